// Refuses `list` where the vault uses Azure RBAC. Listing secrets applies to the entire vault
// (Key Vault REST, "Get Secrets": "applicable to the entire vault … requires the secrets/list
// permission"), while logicops grants Key Vault Secrets User on the one secret only: that
// assignment lets the workflow read its secret, never list the vault. Granting the role at the
// vault scope instead would let the workflow read every secret in the vault, which is not
// least privilege, so logicops does not do it. Rather than grant less than asked and stay
// silent, the binding stalls with InvalidSpec and says what to change. Not terminal: with
// accessModel Auto the vault can switch back to access policies, and a resync or a spec change
// looks again. Explicit `accessModel: RBAC` with `list` is refused at admission already.
import { AccessModel, Reason, SecretPermission } from '../../../crds/index.ts';
import { normalizePermissions } from '../plan/permissions-math.ts';
import type { Step } from './step.ts';

export const checkModelPermissions: Step = async (run) => {
  if (run.observed.accessModel !== AccessModel.RBAC) return undefined;
  if (!normalizePermissions(run.spec.permissions ?? []).includes(SecretPermission.List)) return undefined;
  const why =
    run.spec.accessModel === AccessModel.RBAC
      ? 'spec.accessModel is RBAC'
      : `vault ${run.vault?.name ?? run.spec.vaultId} uses Azure RBAC (enableRbacAuthorization) and spec.accessModel is ${run.spec.accessModel}`;
  return {
    kind: 'stalled',
    reason: Reason.InvalidSpec,
    message: `spec.permissions asks for list, but ${why}: logicops grants Key Vault Secrets User on secret ${run.spec.secretName} only, which reads that secret and cannot list the vault (listing applies to the whole vault, and a vault-wide role would open every secret in it). Nothing was granted or changed. Remove list from spec.permissions (reading the secret needs only get); if the workflow must list the vault, grant that outside logicops, or use a vault with access policies.`,
  };
};
