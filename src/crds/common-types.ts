// Types both kinds share: object metadata, conditions (metav1.Condition), deletion policy,
// quota usage. Only client-node's metadata type is borrowed, so the kinds fit the runtime.
import type { V1ObjectMeta } from '@kubernetes/client-node';
import type { ConditionStatus, ConditionType } from './conditions.ts';

/**
 * Object metadata as client-node types it, so both kinds satisfy `KubernetesObject` and work
 * with the runtime's generic informer and controller. client-node types the timestamps as
 * `Date`; objects read through the runtime's raw-JSON client carry RFC 3339 strings there, so
 * treat them as opaque (test for presence, or `String(...)` them), never as Date objects.
 */
export type ObjectMeta = V1ObjectMeta;

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
