// Azure failures as binding outcomes. The gateways already classified each failure (one
// classifier for the whole operator); this adds the one fact only the binding knows — whether
// its principal is new enough for PrincipalNotFound/AuthorizationFailed to be replication lag.
import { classifyAzureError, isAzureError } from '../../azure/index.ts';
import { Reason } from '../../crds/index.ts';
import type { BindingOutcome } from './outcome.ts';

export function outcomeOfAzureError(error: unknown, principalIsNew: boolean): BindingOutcome | undefined {
  if (!isAzureError(error)) return undefined;
  const failure = classifyAzureError(error, { principalIsNew });
  switch (failure.kind) {
    case 'throttled':
      return {
        kind: 'waiting',
        reason: Reason.Throttled,
        message: `Azure throttled ${error.operation}; retrying after ${Math.ceil(failure.retryAfterMs / 1000)} s. ${failure.message}`,
        afterMs: failure.retryAfterMs,
      };
    case 'stalled':
      return { kind: 'stalled', reason: failure.reason, message: failure.message };
    case 'retry':
      return failure.reason === 'replicationLag'
        ? {
            kind: 'retry',
            reason: Reason.WaitingForPrincipal,
            message: `The principal is not visible to Azure yet (replication lag); retrying. ${failure.message}`,
            error,
          }
        : { kind: 'retry', reason: Reason.Progressing, message: error.message, error };
    case 'notFound':
    case 'conflict':
      return { kind: 'retry', reason: Reason.Progressing, message: error.message, error };
  }
}
