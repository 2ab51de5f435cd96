// Ownership of Azure resources (DESIGN.md guarantee 4). Every resource logicops creates is
// tagged with its owner, `<cluster-id>/<namespace>/<name>`; a resource without the tag, or
// with another owner, is not touched unless the object carries `logicops.io/adopt: "true"`.
//
// The tag NAME deviates from DESIGN.md's `logicops.io/owner`: Azure refuses '/' (and
// < > % & \ ?) in tag names, so the name is `logicops-owner`; the value may contain '/'.
// The CRDs reserve tag names starting with `logicops` so users cannot forge it.

export const OWNER_TAG = 'logicops-owner';
export const ADOPT_ANNOTATION = 'logicops.io/adopt';

export function ownerValue(clusterId: string, namespace: string, name: string): string {
  return `${clusterId}/${namespace}/${name}`;
}

export type Ownership = 'ours' | 'unowned' | 'foreign';

export function ownershipOf(tags: Record<string, string> | undefined, expectedOwner: string): Ownership {
  const owner = tags?.[OWNER_TAG];
  if (owner === undefined) return 'unowned';
  return owner === expectedOwner ? 'ours' : 'foreign';
}

/** True when the object asks to take over an existing resource it does not own yet. */
export function wantsAdoption(annotations: Record<string, string> | undefined): boolean {
  return annotations?.[ADOPT_ANNOTATION] === 'true';
}
