import { describe, expect, it } from "vitest";
import { HeadWatch, connectionLost } from "./live";

describe("HeadWatch", () => {
  it("reports a move only after a first answer, and ignores busy answers", () => {
    const w = new HeadWatch();
    expect(w.seen(null)).toBe(false);
    expect(w.seen(7)).toBe(false); // the first answer is the start
    expect(w.seen(7)).toBe(false);
    expect(w.seen(null)).toBe(false); // busy: nothing learned, the head stays 7
    expect(w.seen(8)).toBe(true);
    expect(w.seen(8)).toBe(false);
    // A purge of the whole ledger cannot go back, but another store can start lower.
    expect(w.seen(3)).toBe(true);
    w.reset();
    expect(w.seen(100)).toBe(false);
  });
});

describe("connectionLost", () => {
  it("is the server's absence, not a refusal or a sign-out", () => {
    expect(connectionLost({ code: "store_unavailable", message: "", problems: [] })).toBe(true);
    expect(connectionLost({ code: "store", message: "", problems: [] })).toBe(false);
    expect(connectionLost({ code: "store_denied", message: "", problems: [] })).toBe(false);
    expect(connectionLost({ code: "signed_out", message: "", problems: [] })).toBe(false);
    expect(connectionLost("boom")).toBe(false);
  });
});
