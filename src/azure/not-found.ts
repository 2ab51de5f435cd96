// "Not there" for a gateway: a GET answers undefined and a DELETE is done. Only the resource's
// own 404 counts — a missing resource group or subscription is a Stalled condition, not absence.
import { isAzureError } from './azure-error.ts';

export function isNotFound(error: unknown): boolean {
  return isAzureError(error) && error.failure.kind === 'notFound';
}
