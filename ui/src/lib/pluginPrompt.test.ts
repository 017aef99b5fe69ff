import { describe, expect, it } from "vitest";
import { NO_PROMPT, answered, nextPrompt } from "./pluginPrompt";

describe("a key on hardware's prompts in the window", () => {
  it("shows messages, then the PIN question, and clears all when the command ends", () => {
    let s = nextPrompt(NO_PROMPT, { kind: "message", text: "touch your key" });
    expect(s).toEqual({ messages: ["touch your key"], question: null });
    s = nextPrompt(s, { kind: "secret", id: 1, text: "PIN" });
    expect(s.question).toEqual({ kind: "secret", id: 1, text: "PIN" });
    expect(s.messages).toEqual(["touch your key"]);
    expect(answered(s).question).toBeNull();
    expect(nextPrompt(s, { kind: "done" })).toEqual(NO_PROMPT);
  });
  it("closes a timed-out question only if it is the one shown", () => {
    const s = nextPrompt(NO_PROMPT, { kind: "secret", id: 2, text: "PIN" });
    expect(nextPrompt(s, { kind: "closed", id: 1 })).toBe(s);
    expect(nextPrompt(s, { kind: "closed", id: 2 }).question).toBeNull();
  });
  it("a newer question replaces the one shown", () => {
    const s = nextPrompt(NO_PROMPT, { kind: "public", id: 1, text: "slot?" });
    const c = nextPrompt(s, { kind: "confirm", id: 2, text: "Use it?", yes: "Use", no: null });
    expect(c.question?.id).toBe(2);
  });
});
