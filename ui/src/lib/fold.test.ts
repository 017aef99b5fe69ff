import { describe, expect, it } from "vitest";
import { fold } from "./fold";

describe("fold", () => {
  it("matches hiragana to katakana and half-width kana", () => {
    expect(fold("やまだ")).toBe(fold("ヤマダ"));
    expect(fold("ﾔﾏﾀﾞ")).toBe(fold("ヤマダ"));
  });
  it("drops spaces and hyphens, folds full-width digits", () => {
    expect(fold("０３－１２３４")).toBe("031234");
    expect(fold("山田　太郎")).toBe("山田太郎");
  });
  it("keeps the long-vowel mark", () => {
    expect(fold("グリーン")).toBe("グリーン");
  });
});
