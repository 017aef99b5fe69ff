// The lock after a while without use (the policy's minutes, 15 by default): the window watches
// the person's own input — keys, pointer, wheel, touch — and, once none came for that long,
// asks the app to lock (the app closes the office, so nothing of it can be read until someone
// signs in again). Background work (the check for other PCs' changes) is not use.
import { useEffect, useRef } from "preact/hooks";

/** How often the window looks at the time since the last use. */
export const IDLE_CHECK_MS = 5000;

/** What counts as use of the window. */
export const ACTIVITY_EVENTS = ["pointerdown", "pointermove", "keydown", "wheel", "touchstart"] as const;

/** The last use, and whether `minutes` have passed since. */
export class IdleClock {
  private last: number;

  constructor(now: number) {
    this.last = now;
  }

  /** The person used the window at `now`. */
  touch(now: number) {
    this.last = Math.max(this.last, now);
  }

  /** Has nobody used the window for `minutes` (whole minutes, at least 1) by `now`? */
  idle(now: number, minutes: number): boolean {
    return now - this.last >= Math.max(1, minutes) * 60_000;
  }
}

/** Call `onIdle` once after `minutes` without use; null: not watching (nobody signed in). */
export function useIdleLock(minutes: number | null, onIdle: () => void) {
  const latest = useRef(onIdle);
  latest.current = onIdle;
  useEffect(() => {
    if (minutes === null) return;
    const clock = new IdleClock(Date.now());
    const touch = () => clock.touch(Date.now());
    for (const e of ACTIVITY_EVENTS) window.addEventListener(e, touch, { passive: true });
    let fired = false;
    const timer = setInterval(() => {
      if (fired || !clock.idle(Date.now(), minutes)) return;
      fired = true;
      latest.current();
    }, IDLE_CHECK_MS);
    return () => {
      clearInterval(timer);
      for (const e of ACTIVITY_EVENTS) window.removeEventListener(e, touch);
    };
  }, [minutes]);
}
