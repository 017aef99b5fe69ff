// The import dialog's column mapping: what staff changed against what was detected, sent to the
// core as the same `HEADER=FIELD` overrides the command line's `--map` takes.
import type { Field } from "../bindings/Field";
import type { PreviewColumn } from "../bindings/PreviewColumn";

/** A column's chosen mapping: a field, `ignore`, or absent (use what was detected). */
export type Overrides = Record<string, Field | "ignore">;

/** The overrides as `HEADER=FIELD` strings, leaving out those that repeat the detection. */
export function toMappings(o: Overrides, columns: PreviewColumn[]): string[] {
  const out: string[] = [];
  for (const [header, choice] of Object.entries(o)) {
    const col = columns.find((c) => c.header === header);
    if (!col) continue;
    const detected = col.detected ?? "ignore";
    if (choice === detected) continue;
    out.push(`${header}=${choice}`);
  }
  return out.sort();
}

/** Set (or, with null, drop) the override of one header. */
export function withOverride(o: Overrides, header: string, choice: Field | "ignore" | null): Overrides {
  const next = { ...o };
  if (choice === null) delete next[header];
  else next[header] = choice;
  return next;
}
