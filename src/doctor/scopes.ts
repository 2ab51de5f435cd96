// The Azure scopes whose permissions the doctor checks: every resource group, user-assigned
// identity and vault the objects use, and every scope a namespace's policy annotations name
// exactly (a glob such as `team-a-*` names no one scope; the objects that match it are checked).
import {
  normalizeResourceId,
  parseResourceId,
  USER_ASSIGNED_IDENTITY_TYPE,
  VAULT_TYPE,
} from '../azure/resource-id.ts';

import type { LogicAppConnection, LogicAppWorkflow, VaultSecretBinding } from '../crds/index.ts';
import { ALLOWED_RESOURCE_GROUPS_ANNOTATION, ALLOWED_VAULTS_ANNOTATION } from '../vocabulary.ts';

export type ScopeToCheck =
  | {
      kind: 'resourceGroup';
      id: string;
      subscriptionId: string;
      resourceGroup: string;
      /** A workflow there has spec.callbackUrl: its callback-URL actions are checked too. */
      callbackUrls?: true;
      /** A LogicAppConnection is there: the API-connection actions are checked too. */
      connections?: true;
    }
  | {
      kind: 'userAssignedIdentity' | 'vault';
      id: string;
      subscriptionId: string;
      resourceGroup: string;
      name: string;
    };

export interface NamespaceAnnotations {
  name: string;
  annotations: Readonly<Record<string, string>>;
}

const RESOURCE_GROUP_ID = /^\/subscriptions\/([^/*]+)\/resourceGroups\/([^/*]+)$/i;

/** Scopes to check, each once (ARM ids compare case-insensitively), in a stable order. */
export function scopesToCheck(
  workflows: readonly Pick<LogicAppWorkflow, 'spec'>[],
  bindings: readonly Pick<VaultSecretBinding, 'spec'>[],
  namespaces: readonly NamespaceAnnotations[],
  connections: readonly Pick<LogicAppConnection, 'spec'>[] = [],
): { scopes: ScopeToCheck[]; globs: string[] } {
  const found = new Map<string, ScopeToCheck>();
  const add = (scope: ScopeToCheck | undefined) => {
    if (scope && !found.has(normalizeResourceId(scope.id))) found.set(normalizeResourceId(scope.id), scope);
  };
  const globs = new Set<string>();

  for (const { spec } of workflows) {
    if (!spec?.subscriptionId || !spec.resourceGroup) continue;
    const group = resourceGroup(`/subscriptions/${spec.subscriptionId}/resourceGroups/${spec.resourceGroup}`);
    add(group);
    const added = group && found.get(normalizeResourceId(group.id));
    if (spec.callbackUrl && added?.kind === 'resourceGroup') added.callbackUrls = true;
    if (spec.identity?.type === 'UserAssigned' && spec.identity.userAssignedIdentityId) {
      add(
        resource(spec.identity.userAssignedIdentityId, USER_ASSIGNED_IDENTITY_TYPE, 'userAssignedIdentity'),
      );
    }
  }
  for (const { spec } of bindings) if (spec?.vaultId) add(resource(spec.vaultId, VAULT_TYPE, 'vault'));
  for (const { spec } of connections) {
    if (!spec?.subscriptionId || !spec.resourceGroup) continue;
    const group = resourceGroup(`/subscriptions/${spec.subscriptionId}/resourceGroups/${spec.resourceGroup}`);
    add(group);
    const added = group && found.get(normalizeResourceId(group.id));
    if (added?.kind === 'resourceGroup') added.connections = true;
  }

  for (const { annotations } of namespaces) {
    for (const pattern of patterns(annotations[ALLOWED_RESOURCE_GROUPS_ANNOTATION])) {
      if (pattern.includes('*')) globs.add(pattern);
      else add(resourceGroup(pattern));
    }
    for (const pattern of patterns(annotations[ALLOWED_VAULTS_ANNOTATION])) {
      if (pattern.includes('*')) globs.add(pattern);
      else add(resource(pattern, VAULT_TYPE, 'vault'));
    }
  }
  const scopes = [...found.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, scope]) => scope);
  return { scopes, globs: [...globs].sort() };
}

function patterns(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[,\n]/)
    .map((pattern) => pattern.trim())
    .filter(Boolean);
}

function resourceGroup(id: string): ScopeToCheck | undefined {
  const match = RESOURCE_GROUP_ID.exec(id.replace(/\/+$/, ''));
  if (!match?.[1] || !match[2]) return undefined;
  return { kind: 'resourceGroup', id: match[0], subscriptionId: match[1], resourceGroup: match[2] };
}

function resource(
  id: string,
  type: string,
  kind: 'userAssignedIdentity' | 'vault',
): ScopeToCheck | undefined {
  try {
    const parsed = parseResourceId(id, type);
    return {
      kind,
      id,
      subscriptionId: parsed.subscriptionId,
      resourceGroup: parsed.resourceGroup,
      name: parsed.name,
    };
  } catch {
    // Admission refuses such ids; a hand-written annotation may hold one, and its glob check covers it.
    return undefined;
  }
}
