// Types both kinds share: object metadata, conditions (metav1.Condition), deletion policy,
// quota usage. Kept free of any client library so the runtime can use them anywhere.
import type { ConditionStatus, ConditionType } from './conditions.ts';

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
}

/** The standard Kubernetes condition shape (metav1.Condition). */
export interface Condition {
  type: ConditionType | (string & {});
  status: ConditionStatus;
  observedGeneration?: number;
  /** RFC 3339 time of the last status change (not of the last write). */
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export const DeletionPolicy = { Delete: 'Delete', Orphan: 'Orphan' } as const;
export type DeletionPolicy = (typeof DeletionPolicy)[keyof typeof DeletionPolicy];

/** Usage of one Azure limit, as counted by the operator before it writes. */
export interface QuotaUsage {
  /** Which limit, e.g. `WorkflowsPerRegion`, `AccessPoliciesPerVault`. */
  name: string;
  /** The Azure scope the limit is counted in (subscription/region, vault id, subscription). */
  scope: string;
  used: number;
  limit: number;
}
