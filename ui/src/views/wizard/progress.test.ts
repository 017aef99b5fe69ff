import { describe, expect, it } from "vitest";
import type { ContractorChoice } from "../../bindings/ContractorChoice";
import { STEPS, type Known } from "../../lib/wizard";
import { freshProgress, leave, progress, resume } from "./progress";

const noKey: ContractorChoice = {
  contractor: {
    id: "CTR-0001",
    name: "架空電設",
    address: null,
    contact: null,
    recipients: [],
    agreementSigned: "2020-04-01",
    agreementExpires: "2099-03-31",
  },
  keys: [],
  status: "valid",
  refusal: null,
  methods: [
    { method: "transfer", passphrase: false, refusal: { kind: "no_key" } },
    { method: "transfer", passphrase: true, refusal: null },
    { method: "media", passphrase: false, refusal: { kind: "no_key" } },
    { method: "media", passphrase: true, refusal: null },
    { method: "paper", passphrase: false, refusal: null },
  ],
  supervision: [],
};
const known: Known = { contractors: [noKey], excluded: new Map() };

function atReview() {
  const p = freshProgress();
  p.draft = {
    ...p.draft,
    workType: "repair",
    contractorId: "CTR-0001",
    customers: ["C0001", "C0002"],
    method: "transfer",
    passphrase: "correct horse battery",
    passphraseAgain: "correct horse battery",
    out: "/tmp/x.age",
    returnBy: "2026-12-23",
  };
  p.step = STEPS.indexOf("review");
  p.furthest = p.step;
  return p;
}

describe("the wizard's progress", () => {
  it("lives outside the screen, in one module signal", () => {
    progress.value = atReview();
    expect(progress.value.step).toBe(STEPS.indexOf("review"));
    progress.value = freshProgress();
    expect(progress.value.draft.customers).toEqual([]);
  });

  it("keeps every answer when the user leaves, but not the passphrase", () => {
    const p = leave(atReview());
    expect(p.draft.customers).toEqual(["C0001", "C0002"]);
    expect(p.draft.out).toBe("/tmp/x.age");
    expect(p.draft.returnBy).toBe("2026-12-23");
    expect(p.furthest).toBe(STEPS.indexOf("review"));
    expect(p.draft.passphrase).toBe("");
    expect(p.draft.passphraseAgain).toBe("");
  });

  it("comes back at the first step that needs an answer again", () => {
    const back = resume(leave(atReview()), known);
    expect(STEPS[back.step]).toBe("method");
    expect(back.furthest).toBe(STEPS.indexOf("review"));
    // With nothing forgotten it comes back where it was.
    const paper = atReview();
    paper.draft = { ...paper.draft, method: "paper", passphrase: "", passphraseAgain: "", out: "/tmp/s.html" };
    expect(resume(leave(paper), known).step).toBe(STEPS.indexOf("review"));
  });
});
