// Ownership of Azure resources (docs/design.md guarantee 4). Every resource logicops creates is
// tagged with its owner; a resource without the tag, or with another owner, is not touched unless
// the object carries `logicops.io/adopt: "true"` (and its namespace allows adoption).
//
// The tag NAME is `logicops-owner`: Azure refuses '/' (and < > % & \ ?) in tag names; the value
// may contain '/'. The CRDs reserve tag names starting with `logicops` so users cannot forge it.
//
// The VALUE is `<cluster-id>/<namespace>/<name>` while that fits Azure's 256-character limit on
// tag values (Microsoft Learn, "Use tags to organize your Azure resources", Limitations). An
// object name can have 253 characters and a namespace 63, so the value can reach 354 or more;
// then the name part is replaced by its digest: `<cluster-id>/<namespace>/sha256:<64 hex digits
// of the name in UTF-8>`. Deterministic (the same object always gets the same value), still
// readable up to the name, and never equal to a plain value (Kubernetes names cannot contain
// ':'). Ownership checks compare with exactly this value. The cluster id is bounded in the
// configuration (MAX_CLUSTER_ID_LENGTH) so that the digest form always fits.
import { createHash } from 'node:crypto';
import { ADOPT_ANNOTATION, OWNER_TAG } from '../../vocabulary.ts';

/** Azure's limit on a tag value's length. */
export const MAX_TAG_VALUE_LENGTH = 256;
/** The longest namespace name Kubernetes allows (a DNS label). */
const MAX_NAMESPACE_LENGTH = 63;
const DIGEST_LENGTH = 'sha256:'.length + 64;
/** The longest cluster id with which the digest form still fits a tag value. */
export const MAX_CLUSTER_ID_LENGTH = MAX_TAG_VALUE_LENGTH - MAX_NAMESPACE_LENGTH - DIGEST_LENGTH - 2;

export function ownerValue(clusterId: string, namespace: string, name: string): string {
  const plain = `${clusterId}/${namespace}/${name}`;
  if (plain.length <= MAX_TAG_VALUE_LENGTH) return plain;
  const digest = createHash('sha256').update(name, 'utf8').digest('hex');
  return `${clusterId}/${namespace}/sha256:${digest}`;
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
