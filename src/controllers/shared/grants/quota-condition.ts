// The QuotaAvailable condition and `status.quota` of a grant whose pass counted usage: the same
// for every kind that grants (access policies of a vault, role assignments of a subscription).
import { ConditionType, type QuotaUsage, Reason } from '../../../crds/index.ts';
import { type Clock, conditionsOf, type KstatusFields, setCondition } from '../../../runtime/index.ts';

export function reportQuota(
  status: { quota?: QuotaUsage[] },
  quota: QuotaUsage,
  exceeded: boolean,
  generation: number,
  clock: Clock,
): void {
  const { used, limit, name } = quota;
  status.quota = [quota];
  const within = !exceeded && used <= limit;
  setCondition(
    conditionsOf(status as KstatusFields),
    {
      type: ConditionType.QuotaAvailable,
      status: within ? 'True' : 'False',
      reason: within ? Reason.WithinLimit : Reason.QuotaExceeded,
      message: `${used} of ${limit} ${describeLimit(name)} used`,
      observedGeneration: generation,
    },
    clock.now(),
  );
}

function describeLimit(name: string): string {
  return name === 'AccessPoliciesPerVault'
    ? 'access policies of the vault'
    : 'role assignments of the subscription';
}
