// A revoke whose target's resource group is gone has nothing left to revoke (Azure deleted the
// grant with the resource): the revoke counts as done, and the record can go.
import { isAzureError } from '../../../azure/index.ts';

export async function goneIsDone<T>(work: Promise<T>, fallback: T): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (
      isAzureError(error) &&
      error.failure.kind === 'stalled' &&
      error.failure.reason === 'ResourceGroupNotFound'
    )
      return fallback;
    throw error;
  }
}
