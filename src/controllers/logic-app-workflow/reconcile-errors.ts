// What a failed reconcile says and does. Azure failures are classified exactly once, by the
// Azure layer's classifier; this maps the classification onto the reconcile contract:
//   stalled InvalidSpec  → TerminalError (no retry until the spec changes); so is a name a
//                          gateway refused to put into a URL (InvalidAzureNameError)
//   other stalled        → StalledError (retried at resync cadence, and on related changes)
//   throttled            → requeue after Retry-After, Reconciling=True reason Throttled
//   anything else        → rethrown: per-key backoff, Reconciling=True with the message
import { classifyAzureError, isAzureError, isInvalidAzureNameError } from '../../azure/index.ts';
import { Reason } from '../../crds/index.ts';
import { StalledError, TerminalError } from '../../runtime/index.ts';
import type { WorkflowOutcome } from './status.ts';

export type ErrorDecision =
  | { type: 'requeue'; delayMs: number; outcome: WorkflowOutcome }
  | { type: 'throw'; error: Error; outcome: WorkflowOutcome };

export function decideOnError(error: unknown, deleting: boolean): ErrorDecision {
  if (error instanceof StalledError || error instanceof TerminalError) {
    return {
      type: 'throw',
      error,
      outcome: { kind: 'stalled', reason: error.reason, message: error.message },
    };
  }
  if (isInvalidAzureNameError(error)) {
    // A gateway refused to put a name into a URL: no request went out, and none will until the
    // spec changes.
    const message = `${error.message}. logicops sent nothing to Azure: correct the spec.`;
    return {
      type: 'throw',
      error: new TerminalError(Reason.InvalidSpec, message),
      outcome: { kind: 'stalled', reason: Reason.InvalidSpec, message },
    };
  }
  const inFlight = deleting ? Reason.Deleting : Reason.Progressing;
  if (!isAzureError(error)) {
    const thrown = error instanceof Error ? error : new Error(String(error));
    return {
      type: 'throw',
      error: thrown,
      outcome: {
        kind: 'reconciling',
        reason: inFlight,
        message: `Retrying after an error: ${thrown.message}`,
      },
    };
  }
  const failure = classifyAzureError(error);
  switch (failure.kind) {
    case 'stalled': {
      const stalled =
        failure.reason === Reason.InvalidSpec
          ? new TerminalError(failure.reason, failure.message)
          : new StalledError(failure.reason, failure.message);
      return {
        type: 'throw',
        error: stalled,
        outcome: { kind: 'stalled', reason: failure.reason, message: failure.message },
      };
    }
    case 'throttled':
      return {
        type: 'requeue',
        delayMs: failure.retryAfterMs,
        outcome: {
          kind: 'reconciling',
          reason: Reason.Throttled,
          // The failure says who throttled: ARM, or Entra ID refusing the token the call needed.
          message: `Azure throttled ${error.operation}; retrying in ${Math.ceil(failure.retryAfterMs / 1000)} s. ${failure.message}`,
        },
      };
    default:
      return {
        type: 'throw',
        error,
        outcome: {
          kind: 'reconciling',
          reason: inFlight,
          message: `${error.operation} failed; retrying with backoff: ${failure.message}`,
        },
      };
  }
}
