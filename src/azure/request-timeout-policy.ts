// A deadline for each attempt of every ARM request. The SDK sets none by default
// (@typespec/ts-http-runtime's Node client waits forever when `timeout` is 0), so an answer that
// never came — a connection dropped by a middlebox without a reset, a front end that applied the
// write and then went quiet — held its reconcile until the process restarted, and for an
// access-policy write the vault's lock with it, so every binding of that vault waited too (found
// by the after-commit chaos suite: one DELETE whose answer never came kept its workflow's
// finalizer for good). Azure.Core for .NET gives each network operation 100 s by default
// (RetryOptions.NetworkTimeout, https://learn.microsoft.com/dotnet/api/azure.core.retryoptions.networktimeout).
//
// A timed-out attempt fails as an AbortError, which the SDK does not retry; the classifier maps it
// to a retry with backoff, and what the reconcile sends again is idempotent (a PUT of the same
// body, `accessPolicies/add|remove`, a DELETE, a role assignment under its deterministic name).
import type { PipelinePolicy } from '@azure/core-rest-pipeline';

export const REQUEST_TIMEOUT_POLICY = 'logicopsRequestTimeout';

export function requestTimeoutPolicy(timeoutMs: number): PipelinePolicy {
  return {
    name: REQUEST_TIMEOUT_POLICY,
    sendRequest(request, next) {
      // A caller's own, shorter deadline wins.
      if (!(request.timeout > 0) || request.timeout > timeoutMs) request.timeout = timeoutMs;
      return next(request);
    },
  };
}
