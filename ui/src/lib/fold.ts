// The same folding as the core's `register::search_key`: NFKC, lower case, hiragana →
// katakana, no spaces or hyphens. Applied to the row text once and to each query, so that
// やまだ finds ヤマダ and ０３－１２ finds 03-12….
const DASHES = /[-‐‑‒–—―−\s\u3000]/g;

export function fold(s: string): string {
  const nfkc = s.normalize("NFKC").toLowerCase();
  let out = "";
  for (const ch of nfkc) {
    const c = ch.codePointAt(0)!;
    out += c >= 0x3041 && c <= 0x3096 ? String.fromCodePoint(c + 0x60) : ch;
  }
  return out.replace(DASHES, "");
}
