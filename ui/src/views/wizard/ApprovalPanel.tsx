import { useEffect, useState } from "preact/hooks";
import { api } from "../../api";
import type { ApprovalNeed } from "../../bindings/ApprovalNeed";
import type { ApprovalView } from "../../bindings/ApprovalView";
import { selection } from "../../lib/wizard";
import { t } from "../../i18n";
import type { StepProps } from "./Wizard";

/** The review step's 上長承認 panel: when the core says this handover needs a manager's
 * approval, why (the policy's rules), 承認を依頼, and what became of the request. The pack
 * then names the approval; the core refuses it unless it was approved for exactly this. */
export function ApprovalPanel({ draft, known, update, onError }: StepProps & { onError: (e: unknown) => void }) {
  const tx = t();
  const [need, setNeed] = useState<ApprovalNeed | null>(null);
  const [mine, setMine] = useState<ApprovalView | null>(null);
  // This person's approved, unused approvals: one asked for before signing out can be chosen
  // (the core refuses it at pack unless it was approved for exactly this handover).
  const [usable, setUsable] = useState<ApprovalView[]>([]);
  const sel = selection(draft, known);
  const returnBy = draft.returnBy || null;
  const load = () => {
    api.approvalNeed(sel, returnBy).then(setNeed, onError);
    if (!draft.approval) {
      api.approvals(false).then((list) => setUsable(list.filter((v) => v.canPack)), onError);
      return;
    }
    api.approvals(false).then((list) => setMine(list.find((v) => v.approval.id === draft.approval) ?? null), onError);
  };
  useEffect(load, []);
  if (!need || !need.enforced || need.rules.length === 0) return null;
  const ask = () =>
    api.requestApproval(sel, returnBy).then((a) => {
      update({ approval: a.id });
      setMine({ approval: a, expired: false, canDecide: false, canPack: false });
    }, onError);
  return (
    <div class="banner warn approval" data-testid="approval-needed">
      <strong>{tx.needed}</strong>
      <ul class="plain">
        {need.rules.map((r) => (
          <li key={r.kind}>{tx.rule(r)}</li>
        ))}
      </ul>
      {mine ? (
        <p data-testid="approval-state">
          {tx.state(mine)}{" "}
          <button type="button" class="link" onClick={load} data-testid="approval-refresh">
            {tx.refresh}
          </button>
        </p>
      ) : (
        <p class="row">
          <button type="button" class="primary" onClick={ask} data-testid="approval-request">
            {tx.request}
          </button>
          {usable.map((v) => (
            <button type="button" key={v.approval.id} onClick={() => { update({ approval: v.approval.id }); setMine(v); }} data-testid={`approval-use-${v.approval.id}`}>
              {tx.use(v.approval.id)}
            </button>
          ))}
        </p>
      )}
    </div>
  );
}
