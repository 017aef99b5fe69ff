import { describe, expect, it } from "vitest";
import type { PreviewColumn } from "../bindings/PreviewColumn";
import { toMappings, withOverride } from "./mapping";

const col = (header: string, detected: PreviewColumn["detected"]): PreviewColumn => ({
  column: "A",
  header,
  detected,
  field: detected,
  role: detected ? "field" : "unknown",
  overridden: false,
});
const columns = [col("会員コード", null), col("お名前", "name"), col("TEL", "phone")];

describe("toMappings", () => {
  it("sends only what differs from the detection, as HEADER=FIELD", () => {
    expect(toMappings({ 会員コード: "customer_id", お名前: "name", TEL: "ignore" }, columns)).toEqual([
      "TEL=ignore",
      "会員コード=customer_id",
    ]);
  });
  it("drops overrides of headers the sheet does not have (another sheet was chosen)", () => {
    expect(toMappings({ 担当: "notes" }, columns)).toEqual([]);
  });
  it("ignoring an unknown column is no change", () => {
    expect(toMappings({ 会員コード: "ignore" }, columns)).toEqual([]);
  });
});

describe("withOverride", () => {
  it("sets and drops", () => {
    const o = withOverride({}, "TEL", "notes");
    expect(o).toEqual({ TEL: "notes" });
    expect(withOverride(o, "TEL", null)).toEqual({});
  });
});
