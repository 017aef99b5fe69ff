import type { ManifestApproval } from "../bindings/ManifestApproval";
import { t } from "../i18n";

/** "approved by X on …": the manager's approval a bundle's signed manifest carries (上長承認),
 * for the contractor who opens it. */
export function ApprovedBy({ approval }: { approval: ManifestApproval }) {
  return (
    <div class="small" data-testid="approved-by">
      {t().approvedBy(approval.approvedBy, approval.approvedAt, approval.id)}
    </div>
  );
}
