// What a gateway throws: the classified failure plus which call it was. The SDK error itself is
// not kept — its request/response objects can carry headers we must never log — only the
// facts the reconciler needs (status, ARM code, a redacted message).
import type { AzureFailure } from './failure.ts';

export class AzureError extends Error {
  override readonly name = 'AzureError';
  constructor(
    /** Gateway operation, e.g. `workflows.createOrUpdate`. */
    readonly operation: string,
    readonly failure: AzureFailure,
    readonly statusCode?: number,
    readonly code?: string,
  ) {
    super(`${operation} failed: ${failure.message}`);
  }
}

export function isAzureError(error: unknown): error is AzureError {
  return error instanceof Error && error.name === 'AzureError' && 'failure' in error;
}
