// How an opened bundle is shown: which columns (only the fields handed over), each value,
// labels for work types, and sizes. The bundle itself was verified by the core.
import type { Field } from "../bindings/Field";
import type { OpenedCustomer } from "../bindings/OpenedCustomer";
import type { Lang } from "../lang";

/** Field order of the register (the core's Field::ALL). */
const ORDER: Field[] = [
  "customer_id", "name", "name_kana", "postal_code", "address", "phone", "email", "birth_date", "gender",
  "occupation", "service", "floor_plan", "notes",
];

/** The columns to show: every field that at least one customer has, in register order. */
export function columnsOf(customers: OpenedCustomer[]): Field[] {
  const present = new Set<Field>();
  for (const c of customers) for (const v of c.values) present.add(v.field);
  return ORDER.filter((f) => present.has(f));
}

/** A customer's value of a field, or "" when it was not handed over. */
export function valueOf(c: OpenedCustomer, f: Field): string {
  return c.values.find((v) => v.field === f)?.value ?? "";
}

const WORK_TYPES: Record<string, [string, string]> = {
  installation: ["新規加入・引込工事", "New subscription / drop installation"],
  wiring: ["宅内配線変更", "In-home wiring change"],
  repair: ["故障修理", "Fault repair"],
  inspection: ["定期点検", "Periodic inspection"],
  removal: ["撤去工事", "Removal"],
};

/** A work type's label (the id itself for a type this build does not know). */
export function workTypeLabel(id: string, lang: Lang): string {
  const l = WORK_TYPES[id];
  return l ? l[lang === "ja" ? 0 : 1] : id;
}

/** `1.2 MB`, `850 KB`, `12 B`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** The MIME type to preview a floor plan with, or null when it is not an image. */
export function imageType(ext: string): string | null {
  const e = ext.toLowerCase();
  if (e === "png") return "image/png";
  if (e === "jpg" || e === "jpeg") return "image/jpeg";
  return null;
}
