// Namespace policy (docs/design.md guarantee 9), default deny: a namespace may use only the Azure
// scopes its annotations allow. Only cluster admins can edit Namespaces, so a tenant cannot
// widen its own reach. Patterns are ARM id globs, matched case-insensitively (ARM ids are):
//   logicops.io/allowed-resource-groups: /subscriptions/<sub>/resourceGroups/team-a-*
//   logicops.io/allowed-vaults: /subscriptions/<sub>/resourceGroups/*/providers/Microsoft.KeyVault/vaults/team-a-*
// A resource-group pattern also covers everything inside the group (the workflow itself, a
// user-assigned identity in it). Several patterns are separated by commas or newlines.
// `*` matches within one path segment, `**` across segments.
// Role grants beyond Key Vault (WorkflowRoleAssignment, issue 24) add two more:
//   logicops.io/allowed-role-scopes: /subscriptions/<sub>/resourceGroups/team-a-*/providers/Microsoft.ServiceBus/namespaces/team-a
//     (ARM id globs of the resources roles may be granted on; like a resource group, each also
//     covers the ids below it: a namespace's queues, an account's containers)
//   logicops.io/allowed-roles: Azure Service Bus Data Receiver, Storage Blob Data Reader
//     (built-in role names or role definition GUIDs; exact, case-insensitive; comma or newline)
// Roles that can change authorization are refused before this policy is asked (role-choice.ts).
import {
  ALLOW_ADOPTION_ANNOTATION,
  ALLOWED_RESOURCE_GROUPS_ANNOTATION,
  ALLOWED_ROLE_SCOPES_ANNOTATION,
  ALLOWED_ROLES_ANNOTATION,
  ALLOWED_VAULTS_ANNOTATION,
} from '../../vocabulary.ts';

export type ScopeKind = 'resource group' | 'vault' | 'role scope';

/** A role as the policy compares it: the name it is published under and its GUID. */
export interface PolicyRole {
  name: string;
  id: string;
}

const ANNOTATION_OF: Readonly<Record<ScopeKind, string>> = {
  'resource group': ALLOWED_RESOURCE_GROUPS_ANNOTATION,
  vault: ALLOWED_VAULTS_ANNOTATION,
  'role scope': ALLOWED_ROLE_SCOPES_ANNOTATION,
};

export type PolicyVerdict = { allowed: true } | { allowed: false; message: string };

export interface NamespacePolicy {
  /** Checks one ARM id against the namespace's annotations; a disabled policy allows all. */
  check(
    namespaceAnnotations: Record<string, string> | undefined,
    kind: ScopeKind,
    armId: string,
  ): PolicyVerdict;
  /** Whether a cluster admin allows the namespace's objects to adopt untagged resources; a disabled policy allows it. */
  allowsAdoption(namespaceAnnotations: Record<string, string> | undefined): boolean;
  /** Checks a role (by its name or its GUID) against `logicops.io/allowed-roles`; a disabled policy allows all. */
  checkRole(namespaceAnnotations: Record<string, string> | undefined, role: PolicyRole): PolicyVerdict;
}

export function namespacePolicy(enabled: boolean): NamespacePolicy {
  return {
    allowsAdoption(annotations) {
      return !enabled || annotations?.[ALLOW_ADOPTION_ANNOTATION] === 'true';
    },
    checkRole(annotations, role) {
      if (!enabled) return { allowed: true };
      const allowed = (annotations?.[ALLOWED_ROLES_ANNOTATION] ?? '')
        .split(/[,\n]/)
        .map((entry) => entry.trim().replace(/\s+/g, ' ').toLowerCase())
        .filter((entry) => entry.length > 0);
      const names = [role.name.toLowerCase(), role.id.toLowerCase()];
      if (allowed.some((entry) => names.includes(entry))) return { allowed: true };
      const have = allowed.length > 0 ? `it allows only ${allowed.join(', ')}` : 'it has none';
      return {
        allowed: false,
        message: `namespace policy denies role ${role.name} (${role.id}): the namespace needs annotation ${ALLOWED_ROLES_ANNOTATION} naming it, and ${have}; ask a cluster admin to annotate the namespace`,
      };
    },
    check(annotations, kind, armId) {
      if (!enabled) return { allowed: true };
      const annotation = ANNOTATION_OF[kind];
      const patterns = parsePatterns(annotations?.[annotation]);
      const target = normalize(armId);
      const matches = (pattern: string) => globToRegExp(pattern, kind !== 'vault').test(target);
      if (patterns.some(matches)) return { allowed: true };
      const have = patterns.length > 0 ? `it allows only ${patterns.join(', ')}` : 'it has none';
      return {
        allowed: false,
        message: `namespace policy denies ${kind} ${armId}: the namespace needs annotation ${annotation} with a matching ARM id glob, and ${have}; ask a cluster admin to annotate the namespace`,
      };
    },
  };
}

/** The resource-group id an ARM id lives in, e.g. for a workflow or a user-assigned identity. */
export function resourceGroupIdOf(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

function parsePatterns(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[,\n]/)
    .map((pattern) => normalize(pattern.trim()))
    .filter((pattern) => pattern.length > 0);
}

function normalize(id: string): string {
  return id.replace(/\/+/g, '/').replace(/\/$/, '').toLowerCase();
}

/** `*` = within a segment, `**` = any depth; a resource-group pattern also matches ids below it. */
function globToRegExp(pattern: string, includeChildren: boolean): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] ?? '';
    if (char === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (char === '*') {
      source += '[^/]*';
    } else {
      source += char.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}${includeChildren ? '(/.*)?' : ''}$`);
}
