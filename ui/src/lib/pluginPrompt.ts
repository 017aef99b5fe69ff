import type { PluginPrompt } from "../bindings/PluginPrompt";

/** A question of a key on hardware that waits for the person's answer. */
export type PluginQuestion = Extract<PluginPrompt, { kind: "secret" | "public" | "confirm" }>;

/** What the window shows of a key on hardware at work: its messages, and the question it waits on. */
export interface PromptState {
  messages: string[];
  question: PluginQuestion | null;
}

export const NO_PROMPT: PromptState = { messages: [], question: null };

/**
 * The window's state after the plugin's next event: a message is added, a question replaces the
 * one shown, a question closed by the app (timed out) goes away only if it is the one shown, and
 * the end of the command that asked clears everything.
 */
export function nextPrompt(s: PromptState, p: PluginPrompt): PromptState {
  switch (p.kind) {
    case "message":
      return { ...s, messages: [...s.messages, p.text] };
    case "closed":
      return s.question?.id === p.id ? { ...s, question: null } : s;
    case "done":
      return NO_PROMPT;
    default:
      return { ...s, question: p };
  }
}

/** The state once the person answered or cancelled the question shown. */
export function answered(s: PromptState): PromptState {
  return { ...s, question: null };
}
