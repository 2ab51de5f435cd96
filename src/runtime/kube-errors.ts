// One place that knows what a Kubernetes API error looks like under client-node >= 1
// (ApiException.code; the Watch reports `statusCode` instead). Libraries written for 0.x read
// `err.response.statusCode` and silently miss (style-anchors §7 pitfall 15).
import { ApiException } from '@kubernetes/client-node';

export function httpStatusOf(error: unknown): number | undefined {
  if (error instanceof ApiException) return error.code;
  if (typeof error === 'object' && error !== null) {
    const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
    if (typeof statusCode === 'number') return statusCode;
    if (typeof code === 'number') return code;
  }
  return undefined;
}

export function isApiError(error: unknown, status: number): boolean {
  return httpStatusOf(error) === status;
}

export const isNotFound = (error: unknown) => isApiError(error, 404);
export const isConflict = (error: unknown) => isApiError(error, 409);
/** The resourceVersion asked for is gone from etcd's window: relist. */
export const isGone = (error: unknown) => isApiError(error, 410);
