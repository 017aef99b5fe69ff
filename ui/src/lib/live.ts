// What another PC (or another process on this one) changed shows without a restart: the window
// asks for the ledger's last entry number on focus and every few seconds; every change to the
// register, requests, handovers, roster or policy appends an entry, so a new number means
// "reload what you show". Views read `storeRevision` in their loading effects.
import { signal } from "@preact/signals";
import type { Rights } from "../bindings/Rights";

/** How often the window checks for other PCs' changes while it is shown. */
export const CHECK_EVERY_MS = 3000;

/** Bumped whenever the store changed; views that show store data reload on it. */
export const storeRevision = signal(0);

/** Nobody signed in: nothing beyond looking is offered until the core says who it is. */
export const NO_RIGHTS: Rights = {
  decideRequests: false,
  editPolicy: false,
  editRoster: false,
  purge: false,
  exportLedger: false,
  readUsage: false,
  manageOperators: false,
};

/** What the signed-in person may do (from the core); the window offers only that. */
export const rights = signal<Rights>(NO_RIGHTS);

/** Follows the ledger head: `seen` says whether it moved since the last answer. */
export class HeadWatch {
  private last: number | null = null;

  /** A new answer (null: the office was busy, nothing learned). True if the head moved. */
  seen(seq: number | null): boolean {
    if (seq === null) return false;
    const moved = this.last !== null && seq !== this.last;
    this.last = seq;
    return moved;
  }

  /** Forget the head (another store, another sign-in): the next answer is a new start. */
  reset() {
    this.last = null;
  }
}

/** Errors of the periodic check that mean the server is gone (sign in again). */
export function connectionLost(e: unknown): boolean {
  const code = typeof e === "object" && e !== null && "code" in e ? (e as { code: unknown }).code : null;
  return code === "store_unavailable";
}
