// No screen decides a rule again: the policy's bounds, which request steps a status allows,
// whether a request is enforced, how data is encrypted at review, how pasted customer ids are
// read, which fields a request may withhold — the core answers each (issue 11). This scans the
// screens' sources for the constants and comparisons that used to live there, and checks that
// the screens use the core's answers instead. Every rule carries the code it was written
// against, so a rule that could no longer catch anything fails too.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(__dirname);

/** Screens and their logic: views, components, lib and the app frame; not the generated
 * bindings, the text catalogues or tests. */
function sources(): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const rel = relative(SRC, p);
      if (statSync(p).isDirectory()) {
        if (!["bindings", "text"].includes(rel)) walk(p);
      } else if (/\.tsx?$/.test(name) && !/\.test\.ts$/.test(name) && !/i18n\.ts$/.test(name)) {
        out.push({ path: rel, text: readFileSync(p, "utf8") });
      }
    }
  };
  walk(SRC);
  return out;
}

/** Comments say why, and may name what they no longer do: only code counts. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
}

interface Rule {
  what: string;
  pattern: RegExp;
  /** Only in these files (prefixes), when the same text is innocent elsewhere. */
  only?: string[];
  /** The one file allowed to hold it, and why. */
  except?: string[];
  /** Code the rule was written against: it must match. */
  was: string;
}

const RULES: Rule[] = [
  {
    what: "a policy bound written into a form (the core sends PolicyView.limits)",
    pattern: /\b(returnDays|notifyDeadlineDays|recordRetentionYears|customerRetentionYears)\b[^\n;]*?(>=|<=|>|<|,)\s*\d+\s*\)/,
    was: `if (!whole(form.recordRetentionYears, 3)) out.push("retention");`,
  },
  {
    what: "a literal minimum on a number field (the core sends PolicyView.limits)",
    pattern: /\bmin=\{\s*\d+\s*\}/,
    only: ["views/Settings.tsx", "lib/policy.ts"],
    was: `<input type="number" min={3} step={1} value={form.recordRetentionYears} />`,
  },
  {
    what: "the field every minimal set holds, spelled by a screen (PolicyLimits.requiredField)",
    pattern: /["']customer_id["']/,
    only: ["views/Settings.tsx", "lib/policy.ts", "views/Requests.tsx", "views/CustomerPage.tsx"],
    was: `export const REQUIRED: Field = "customer_id";`,
  },
  {
    what: "a list of the fields a request may withhold (the core's request_fields)",
    pattern: /RESTRICTABLE|\[\s*["']name["']\s*,\s*["']name_kana["']/,
    was: `export const RESTRICTABLE: Field[] = [\n  "name",\n  "name_kana",`,
  },
  {
    what: "a request status compared by a screen (RequestView.actions and .enforced say it)",
    pattern: /\bstatus\s*[!=]==?\s*["'](pending|accepted|rejected|withdrawn)["']/,
    was: `requests?.some((r) => r.status === "pending" || r.status === "accepted")`,
  },
  {
    what: "the encryption kind worked out by a screen (Preparation.encryption and .escrow say it)",
    pattern: /["']x25519["']|method\s*[!=]==?\s*["']paper["']\s*\?\s*[\w.]*enc|encX25519\([^)]*contractor\.recipients/,
    except: ["views/wizard/encryption.ts"],
    was: `const enc = prep.method === "paper" ? tx.encNone : pass ? tx.encPassphrase : tx.encX25519(prep.contractor.recipients.length);`,
  },
  {
    what: "pasted customer ids read by a screen (the core's paste_customer_ids, as the CLI's)",
    pattern: /normalize\(\s*["']NFKC["']\s*\)\s*\.split|\bparseIds\b|\bmatchIds\b/,
    was: `for (const raw of text.normalize("NFKC").split(/[\\s,、，;；]+/)) {`,
  },
  {
    what: "a handover's receipt state worked out by a screen (HandoverReceipts.state says it)",
    pattern: /\bdestroyedByReceipt\b/,
    was: `const state = r.receipts.destroyedByReceipt ? "destroyed" : h.closedOn ? "by_hand" : "no_receipt";`,
  },
];

/** Screens that must use the core's answer (a file, and what it must use). */
const USES: [string, string, string][] = [
  ["views/wizard/ReviewStep.tsx", "prep.encryption", "the encryption the core prepared"],
  ["views/wizard/ReviewStep.tsx", "prep.escrow", "the office's escrow recipient"],
  ["views/Requests.tsx", ".actions", "the steps the core allows"],
  ["views/Requests.tsx", "api.requestFields", "the fields a request may withhold"],
  ["views/CustomerPage.tsx", ".enforced", "whether a request is enforced"],
  ["views/CustomerPage.tsx", "api.history", "the customer's history from ops::history"],
  ["views/Settings.tsx", "view.limits", "the policy's bounds"],
  ["lib/policy.ts", "limits.requiredField", "the field every set holds"],
  ["views/wizard/CustomersStep.tsx", "api.pasteIds", "the core's reading of pasted ids"],
  ["views/Handovers.tsx", "row.state", "the receipt state the core worked out"],
  ["views/History.tsx", "h.receipt", "the overdue handover's receipt state from the core"],
];

describe("no screen decides a rule the core decides", () => {
  const files = sources();

  it("scans the screens", () => {
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(["views/Settings.tsx", "views/wizard/ReviewStep.tsx", "lib/policy.ts"]));
  });

  for (const rule of RULES) {
    it(`no ${rule.what}`, () => {
      expect(rule.pattern.test(rule.was), `the rule no longer catches what it was written against`).toBe(true);
      const found = files
        .filter((f) => !rule.except?.includes(f.path))
        .filter((f) => !rule.only || rule.only.some((o) => f.path.startsWith(o)))
        .flatMap((f) =>
          code(f.text)
            .split("\n")
            .map((line, i) => ({ line, at: `${f.path}:${i + 1}` }))
            .filter(({ line }) => rule.pattern.test(line))
            .map(({ line, at }) => `${at}: ${line.trim()}`),
        );
      expect(found, rule.what).toEqual([]);
    });
  }

  for (const [path, needle, why] of USES) {
    it(`${path} uses ${why}`, () => {
      const f = files.find((x) => x.path === path);
      expect(f, `${path} is missing`).toBeDefined();
      expect(code(f!.text)).toContain(needle);
    });
  }
});
