// How an operator record is kept in Kubernetes: one ConfigMap per (kind, namespace, name) in the
// operator's own namespace, where teams have no rights (docs/design.md guarantee 3, issue 20). The
// name is a digest, so any object name fits and none can collide with or point at another's;
// labels select the records of the watched namespaces; the payload is one JSON document.
//
// Records are keyed by namespace and name, not uid: a restore (Velero) gives objects new uids
// but keeps their names, and the Azure owner tag is by namespace and name too. The uid is kept
// for people reading a record.
import { createHash } from 'node:crypto';
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { GrantPhase, GrantRecord, RoleGrantRecord } from '../../../crds/index.ts';
import {
  MANAGED_BY_LABELS,
  RECORD_LABEL,
  RECORD_NAMESPACE_LABEL,
  RECORD_OBJECT_ANNOTATION,
  RECORD_UID_ANNOTATION,
} from '../../../vocabulary.ts';

const PAYLOAD_KEY = 'record';

/**
 * grant: what a VaultSecretBinding's grant holds in Azure; role-grant: the role assignment a
 * WorkflowRoleAssignment made; identity: a workflow's vouched principal; secure-parameters: a
 * salted digest of the secure values last written to a workflow (Azure never returns them).
 */
export type RecordKind = 'grant' | 'role-grant' | 'identity' | 'secure-parameters';
const RECORD_KINDS: readonly RecordKind[] = ['grant', 'role-grant', 'identity', 'secure-parameters'];

export interface RecordedObject {
  namespace: string;
  name: string;
  uid?: string;
}

/** The principal logicops vouches for as a workflow's, from Azure, after policy and ownership checks. */
export interface IdentityRecord {
  type: 'SystemAssigned' | 'UserAssigned';
  principalId: string;
  tenantId?: string;
  userAssignedIdentityId?: string;
  /** When logicops first recorded this principal (Entra ID replication is counted from here). */
  principalObservedAt: string;
}

/**
 * What logicops last wrote of a workflow's secure values (parameters declared securestring or
 * secureobject, and their secure defaults), which Azure does not hand back: never the values,
 * only an HMAC-SHA256 keyed with a random per-record salt (logic-app-workflow/secure-values.ts),
 * and the version stamp Azure gave that write.
 */
export interface SecureParametersRecord {
  /** Base64, 16 random bytes: the HMAC key. */
  salt: string;
  /** Base64 HMAC-SHA256 of the canonical JSON of the secure values. */
  digest: string;
  /** `properties.version` of the workflow that write produced; another version: written by someone else since. */
  workflowVersion?: string;
}

export interface RecordPayloads {
  grant: GrantRecord;
  'role-grant': RoleGrantRecord;
  identity: IdentityRecord;
  'secure-parameters': SecureParametersRecord;
}

/** A record ConfigMap as the cache keeps it: metadata and the parsed payload (no raw data). */
export interface RecordConfigMap extends V1ConfigMap {
  record?: { kind: RecordKind; object: RecordedObject; payload: unknown };
}

export function recordName(kind: RecordKind, namespace: string, name: string): string {
  const digest = createHash('sha256').update(`${kind}\n${namespace}\n${name}`).digest('hex').slice(0, 40);
  return `logicops-${kind}-${digest}`;
}

/** The label selector of the records of `namespaces` (all when empty). */
export function recordSelector(namespaces: readonly string[]): string {
  if (namespaces.length === 0) return RECORD_LABEL;
  return `${RECORD_LABEL},${RECORD_NAMESPACE_LABEL} in (${[...namespaces].sort().join(',')})`;
}

export function recordConfigMap<R extends RecordKind>(
  recordsNamespace: string,
  kind: R,
  object: RecordedObject,
  payload: RecordPayloads[R],
): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: recordName(kind, object.namespace, object.name),
      namespace: recordsNamespace,
      labels: { ...MANAGED_BY_LABELS, [RECORD_LABEL]: kind, [RECORD_NAMESPACE_LABEL]: object.namespace },
      annotations: {
        [RECORD_OBJECT_ANNOTATION]: `${object.namespace}/${object.name}`,
        ...(object.uid ? { [RECORD_UID_ANNOTATION]: object.uid } : {}),
      },
    },
    data: { [PAYLOAD_KEY]: JSON.stringify(payload) },
  };
}

/**
 * The informer's transform: parse the payload once, drop the raw data. A record that does not
 * parse keeps no payload; `readPayload` then reports it as unreadable.
 */
export function parseRecordConfigMap(configMap: V1ConfigMap): RecordConfigMap {
  const { data, binaryData: _binary, ...rest } = configMap;
  const { managedFields: _managed, ...metadata } = rest.metadata ?? {};
  const kind = metadata.labels?.[RECORD_LABEL];
  const [namespace, ...nameParts] = (metadata.annotations?.[RECORD_OBJECT_ANNOTATION] ?? '').split('/');
  const name = nameParts.join('/');
  const lean: RecordConfigMap = { ...rest, metadata };
  if (!isRecordKind(kind) || !namespace || !name) return lean;
  // A ConfigMap whose name is not the one its labels and annotation give was not written by us.
  if (metadata.name !== recordName(kind, namespace, name)) return lean;
  try {
    const payload: unknown = JSON.parse(data?.[PAYLOAD_KEY] ?? '');
    const valid = PAYLOAD_CHECKS[kind](payload);
    if (!valid) return lean;
    const uid = metadata.annotations?.[RECORD_UID_ANNOTATION];
    return { ...lean, record: { kind, object: { namespace, name, ...(uid ? { uid } : {}) }, payload } };
  } catch {
    return lean;
  }
}

function isRecordKind(kind: string | undefined): kind is RecordKind {
  return (RECORD_KINDS as readonly (string | undefined)[]).includes(kind);
}

const PAYLOAD_CHECKS: Readonly<Record<RecordKind, (payload: unknown) => boolean>> = {
  grant: isGrantRecord,
  'role-grant': isRoleGrantRecord,
  identity: isIdentityRecord,
  'secure-parameters': isSecureParametersRecord,
};

const PHASES: readonly GrantPhase[] = ['Intended', 'Granted', 'Revoking'];
const PERMISSIONS = new Set(['get', 'list']);

function isStringOrAbsent(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

function isPermissionsOrAbsent(value: unknown): boolean {
  return (
    value === undefined ||
    (Array.isArray(value) && value.every((p) => typeof p === 'string' && PERMISSIONS.has(p)))
  );
}

export function isGrantRecord(value: unknown): value is GrantRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    PHASES.includes(record.phase as GrantPhase) &&
    typeof record.principalId === 'string' &&
    typeof record.vaultId === 'string' &&
    (record.accessModel === 'AccessPolicy' || record.accessModel === 'RBAC') &&
    isStringOrAbsent(record.tenantId) &&
    isStringOrAbsent(record.roleAssignmentName) &&
    isStringOrAbsent(record.roleAssignmentScope) &&
    isPermissionsOrAbsent(record.permissionsAdded) &&
    isPermissionsOrAbsent(record.permissionsPreExisting)
  );
}

export function isRoleGrantRecord(value: unknown): value is RoleGrantRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  const nonEmpty = (field: unknown) => typeof field === 'string' && field.length > 0;
  return (
    PHASES.includes(record.phase as GrantPhase) &&
    nonEmpty(record.principalId) &&
    nonEmpty(record.workflowName) &&
    nonEmpty(record.scope) &&
    nonEmpty(record.roleDefinitionId) &&
    nonEmpty(record.roleAssignmentName) &&
    isStringOrAbsent(record.tenantId)
  );
}

function isIdentityRecord(value: unknown): value is IdentityRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    (record.type === 'SystemAssigned' || record.type === 'UserAssigned') &&
    typeof record.principalId === 'string' &&
    record.principalId.length > 0 &&
    typeof record.principalObservedAt === 'string' &&
    isStringOrAbsent(record.tenantId) &&
    isStringOrAbsent(record.userAssignedIdentityId)
  );
}

function isSecureParametersRecord(value: unknown): value is SecureParametersRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.salt === 'string' &&
    record.salt.length > 0 &&
    typeof record.digest === 'string' &&
    record.digest.length > 0 &&
    isStringOrAbsent(record.workflowVersion)
  );
}
