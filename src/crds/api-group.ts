// The API group and version every logicops kind is served under. Controllers, the CRD
// renderer and the Helm chart all read these, so a rename happens in exactly one place.

export const GROUP = 'logicops.io';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

/** `kubectl get logicops` lists every logicops object in a namespace. */
export const CATEGORY = 'logicops';

/** The names the API server serves one kind under (plural is also the REST path segment). */
export interface KindNames {
  readonly kind: string;
  readonly listKind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
}
