// The one mapping from a thrown error to an outcome, for every kind (issue 22: the two frames
// had drifted apart — an invalid spec Azure refused was terminal for workflows and retried every
// resync for bindings). Azure failures are classified once, by the Azure layer's classifier:
//
//   TerminalError, an Azure InvalidSpec, a name a gateway refused   → invalid (no retry until the spec changes)
//   StalledError, any other Azure stalled failure                  → stalled (resync cadence, related changes)
//   Azure throttling                                               → waiting, Throttled, after Retry-After
//   a principal Azure cannot see yet, while it is new              → retry, WaitingForPrincipal
//   WaitingError                                                   → waiting, after its delay
//   anything else                                                  → retry with backoff, Progressing (Deleting)
import { classifyAzureError, isAzureError, isInvalidAzureNameError } from '../../../azure/index.ts';
import { Reason } from '../../../crds/index.ts';
import { StalledError, TerminalError } from '../../../runtime/index.ts';
import { type Outcome, WaitingError } from './outcome.ts';

export interface ErrorFacts {
  /** The object is being deleted: in-flight work reports Deleting rather than Progressing. */
  deleting: boolean;
  /** The principal involved is within Entra ID's replication window: "not found" means "not yet". */
  principalIsNew?: boolean;
  /** Where the identity that acted comes from, when it is not the operator's (a namespace's Secret). */
  actingAs?: string;
}

export function outcomeOfError(error: unknown, facts: ErrorFacts): Outcome {
  const outcome = outcomeOf(error, facts);
  // Azure's answer is about the identity that called: say which, when it is a namespace's own.
  if (!facts.actingAs || !isAzureError(error) || !('message' in outcome)) return outcome;
  return {
    ...outcome,
    message: `${outcome.message} (logicops acted as the Azure identity in ${facts.actingAs})`,
  };
}

function outcomeOf(error: unknown, facts: ErrorFacts): Outcome {
  const inFlight = facts.deleting ? Reason.Deleting : Reason.Progressing;
  if (error instanceof TerminalError) return { kind: 'invalid', message: error.message };
  if (error instanceof StalledError) return { kind: 'stalled', reason: error.reason, message: error.message };
  if (error instanceof WaitingError) {
    return { kind: 'waiting', reason: inFlight, message: error.message, afterMs: error.afterMs };
  }
  if (isInvalidAzureNameError(error)) {
    // A gateway refused to put a name into a URL: no request went out, and none will until the spec changes.
    return {
      kind: 'invalid',
      message: `${error.message}. logicops sent nothing to Azure: correct the spec.`,
    };
  }
  if (!isAzureError(error)) {
    const thrown = error instanceof Error ? error : new Error(String(error));
    return {
      kind: 'retry',
      reason: inFlight,
      message: `Retrying after an error: ${thrown.message}`,
      error: thrown,
    };
  }
  const failure = classifyAzureError(error, { principalIsNew: facts.principalIsNew ?? false });
  switch (failure.kind) {
    case 'stalled':
      return failure.reason === Reason.InvalidSpec
        ? { kind: 'invalid', message: failure.message }
        : { kind: 'stalled', reason: failure.reason, message: failure.message };
    case 'throttled':
      return {
        kind: 'waiting',
        reason: Reason.Throttled,
        // The failure says who throttled: ARM, or Entra ID refusing the token the call needed.
        message: `Azure throttled ${error.operation}; retrying in ${Math.ceil(failure.retryAfterMs / 1000)} s. ${failure.message}`,
        afterMs: failure.retryAfterMs,
      };
    case 'retry':
      if (failure.reason === 'replicationLag') {
        return {
          kind: 'retry',
          reason: Reason.WaitingForPrincipal,
          message: `The principal is not visible to Azure yet (replication lag); retrying. ${failure.message}`,
          error,
        };
      }
      break;
  }
  return {
    kind: 'retry',
    reason: inFlight,
    message: `${error.operation} failed; retrying with backoff: ${failure.message}`,
    error,
  };
}
