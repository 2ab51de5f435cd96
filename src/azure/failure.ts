// What an Azure failure means to logicops, decided once by the classifier (errors.ts) and
// carried by every AzureError (azure-error.ts). A leaf module: both import it, neither imports
// the other for it.
import type { StalledReason } from '../crds/conditions.ts';

export type RetryReason =
  | 'serverError'
  | 'connection'
  | 'timeout'
  | 'concurrentWrite'
  | 'replicationLag'
  | 'aborted'
  | 'unknown';

/** The stalled reasons an Azure answer alone can justify (AlreadyOwned etc. are decided by callers). */
export type AzureStalledReason = Extract<
  StalledReason,
  'ResourceGroupNotFound' | 'AuthorizationFailed' | 'PolicyDenied' | 'QuotaExceeded' | 'InvalidSpec'
>;

export type AzureFailure =
  | { kind: 'notFound'; code?: string; message: string }
  | { kind: 'retry'; reason: RetryReason; code?: string; message: string }
  | {
      kind: 'throttled';
      retryAfterMs: number;
      /** Azure said how long to wait (Retry-After); false: the default wait for a bare 429. */
      hinted?: boolean;
      code?: string;
      message: string;
    }
  | { kind: 'stalled'; reason: AzureStalledReason; code?: string; message: string }
  | { kind: 'conflict'; code: string; message: string };
