// Benchmark of the real window (scripts/e2e --bench): start-up to an interactive register of
// 100,000 customers, and a search keystroke to the updated table. Targets: < 1.5 s, < 50 ms.
//
// The register is a synthetic CSV (fictional names and places, phones on the unassignable
// 0000 exchange) imported once with the CLI; each start is a fresh app process on it.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { OPERATOR, cli, cleanup, newHome, startApp } from "./harness";

const ROWS = Number(process.env.HANDOVER_BENCH_ROWS ?? 100_000);
const STARTS = 3;
const QUERIES = ["山", "山田", "ヤマダ", "C01234", "0000-12", "架空市", "存在しない", ""];

function syntheticCsv(path: string, rows: number) {
  const fam = [["山田", "ヤマダ"], ["佐藤", "サトウ"], ["鈴木", "スズキ"], ["高橋", "タカハシ"], ["田中", "タナカ"], ["伊藤", "イトウ"], ["渡辺", "ワタナベ"], ["中村", "ナカムラ"]];
  const giv = [["太郎", "タロウ"], ["花子", "ハナコ"], ["一郎", "イチロウ"], ["愛", "アイ"], ["健", "ケン"], ["美咲", "ミサキ"], ["翔", "ショウ"]];
  const towns = ["架空市試験台", "見本町", "仮名市例示", "架空郡模擬村"];
  const services = ["ケーブルテレビ", "インターネット 1G", "ケーブルテレビ＋インターネット", "固定電話"];
  const lines = ["顧客番号,氏名,フリガナ,郵便番号,住所,電話番号,契約サービス"];
  for (let i = 1; i <= rows; i++) {
    const f = fam[i % fam.length];
    const g = giv[(i * 7) % giv.length];
    const town = towns[i % towns.length];
    lines.push(
      [
        `C${String(i).padStart(6, "0")}`,
        `${f[0]}　${g[0]}`,
        `${f[1]} ${g[1]}`,
        `${100 + (i % 800)}-${String(i % 10000).padStart(4, "0")}`,
        `東京都${town}${(i % 9) + 1}丁目${(i % 30) + 1}番${(i % 20) + 1}号`,
        `03-0000-${String(i % 10000).padStart(4, "0")}`,
        services[i % services.length],
      ].join(","),
    );
  }
  writeFileSync(path, lines.join("\n") + "\n");
}

// Xvfb has no GPU: WebKitGTK's default DMA-BUF renderer then costs 60-110 ms for every frame,
// even an idle requestAnimationFrame (1-3 ms without it), which would hide the app's own time.
// A GPU-less office PC wants the same setting. (The tests keep WebKit's default: with it
// disabled, WebKitWebDriver's screenshots of an idle page hang.)
const RENDERER = { WEBKIT_DISABLE_DMABUF_RENDERER: "1" };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

it(`start-up and search with ${ROWS.toLocaleString("en-US")} customers`, async () => {
  const home = newHome();
  const csv = join(home, "register.csv");
  syntheticCsv(csv, ROWS);
  cli(join(home, "data"), "init", "--admin", OPERATOR);
  let t = performance.now();
  cli(join(home, "data"), "import", csv);
  console.log(`bench: import of ${ROWS} rows with the CLI (debug build): ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const wall: number[] = [];
  const page: number[] = [];
  const searches: number[] = [];
  for (let run = 0; run < STARTS; run++) {
    t = performance.now();
    const app = await startApp({ home, env: RENDERER });
    try {
      // Interactive: the count says all of them and rows are on screen (startApp signed in
      // first, as a person does: the figure includes the sign-in).
      const want = ROWS.toLocaleString("ja-JP");
      const inPage = await app.browser.waitUntil(
        async () =>
          app.browser.execute((n: string) => {
            const count = document.querySelector('[data-testid="count"]')?.textContent ?? "";
            const row = document.querySelector('[data-testid="customer-row"]');
            const search = document.querySelector('[data-testid="search"]') as HTMLInputElement | null;
            return count.startsWith(n) && row && search && !search.disabled ? performance.now() : 0;
          }, want),
        { timeout: 60_000, interval: 10, timeoutMsg: "the register did not become interactive" },
      );
      wall.push(performance.now() - t);
      page.push(inPage as number);

      // Each query: set the box as a keystroke does, then wait for the table to change and
      // the next frame to be painted.
      for (const q of run === 0 ? QUERIES : []) {
        // The count carries the query its numbers belong to (data-query): the table has
        // the new rows once it says this query; then wait for the next frame to be painted.
        const [ms, dom] = await app.browser.executeAsync((query: string, done: (r: [number, number]) => void) => {
          const input = document.querySelector('[data-testid="search"]') as HTMLInputElement;
          const count = document.querySelector('[data-testid="count"]') as HTMLElement;
          const t0 = performance.now();
          const settled = () => {
            if (count.dataset.query !== query) return false;
            const dom = performance.now() - t0;
            requestAnimationFrame(() => done([performance.now() - t0, dom]));
            return true;
          };
          const obs = new MutationObserver(() => settled() && obs.disconnect());
          obs.observe(count, { attributes: true, childList: true, characterData: true, subtree: true });
          Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")?.set?.call(input, query);
          input.dispatchEvent(new Event("input", { bubbles: true }));
        }, q);
        searches.push(ms);
        console.log(`bench: search ${JSON.stringify(q)} → table updated in ${ms.toFixed(1)} ms (DOM changed after ${dom.toFixed(1)} ms)`);
      }
    } finally {
      await app.stop();
    }
  }
  console.log(
    `bench: start-up to an interactive register of ${ROWS} customers: ` +
      `wall ${wall.map((x) => (x / 1000).toFixed(2)).join(" / ")} s (from the driver's session request: ` +
      `process start, WebKit, IPC, render); in the page ${page.map((x) => (x / 1000).toFixed(2)).join(" / ")} s ` +
      `(from the page's own start). Median wall ${(median(wall) / 1000).toFixed(2)} s, target < 1.5 s.`,
  );
  console.log(
    `bench: search keystroke → updated table: median ${median(searches).toFixed(1)} ms, ` +
      `max ${Math.max(...searches).toFixed(1)} ms, target < 50 ms.`,
  );
  cleanup(home);
  expect(median(wall), "start-up target").toBeLessThan(1500);
  expect(median(searches), "search target").toBeLessThan(50);
}, 600_000);
