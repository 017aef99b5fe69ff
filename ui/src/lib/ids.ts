// Customer ids pasted from Excel, an e-mail or a work list: split on commas (also 、，),
// spaces (also the ideographic space) and line breaks; full-width letters and digits made
// half-width (NFKC, as the core does to every 顧客番号); blanks and repeats dropped, the
// first occurrence keeping its place.
export function parseIds(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of text.normalize("NFKC").split(/[\s,、，;；]+/)) {
    const id = raw.trim();
    if (id && !seen.has(id)) {
      seen.add(id);
      out.push(id);
    }
  }
  return out;
}

/** Pasted ids sorted into those in the register (in paste order) and those not. */
export function matchIds(ids: string[], known: ReadonlySet<string>): { found: string[]; unknown: string[] } {
  const found: string[] = [];
  const unknown: string[] = [];
  for (const id of ids) (known.has(id) ? found : unknown).push(id);
  return { found, unknown };
}
