// The new-handover wizard's progress, kept while the user visits other screens: the answers,
// the step, how far they got and the finished handover. It lives outside the component (a
// module signal), so leaving the wizard and coming back finds it where it was. The
// passphrase is the exception: it is held only while the wizard is on screen (see `leave`).
import { signal } from "@preact/signals";
import type { PackResult } from "../../bindings/PackResult";
import { STEPS, emptyDraft, firstBlocked, type Draft, type Known } from "../../lib/wizard";

export interface Progress {
  draft: Draft;
  /** The step shown (index into STEPS). */
  step: number;
  /** The furthest step reached: the indicator lets the user jump back up to it. */
  furthest: number;
  /** The handover made, once made (the done page). */
  result: PackResult | null;
}

export function freshProgress(): Progress {
  return { draft: emptyDraft(), step: 0, furthest: 0, result: null };
}

export const progress = signal<Progress>(freshProgress());

/** Leaving the wizard's screen: everything is kept but the passphrase. */
export function leave(p: Progress): Progress {
  return { ...p, draft: { ...p.draft, passphrase: "", passphraseAgain: "" } };
}

/**
 * Coming back: the step shown is the first that can no longer be left (the passphrase step
 * after `leave`, a contractor whose agreement lapsed meanwhile), if that is before it.
 */
export function resume(p: Progress, known: Known): Progress {
  const blocked = firstBlocked(p.draft, known, STEPS[p.step]);
  if (blocked === null || p.result) return p;
  return { ...p, step: STEPS.indexOf(blocked) };
}
