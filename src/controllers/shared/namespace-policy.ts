// Namespace policy (docs/design.md guarantee 9), default deny: a namespace may use only the Azure
// scopes its annotations allow. Only cluster admins can edit Namespaces, so a tenant cannot
// widen its own reach. Patterns are ARM id globs, matched case-insensitively (ARM ids are):
//   logicops.io/allowed-resource-groups: /subscriptions/<sub>/resourceGroups/team-a-*
//   logicops.io/allowed-vaults: /subscriptions/<sub>/resourceGroups/*/providers/Microsoft.KeyVault/vaults/team-a-*
// A resource-group pattern also covers everything inside the group (the workflow itself, a
// user-assigned identity in it). Several patterns are separated by commas or newlines.
// `*` matches within one path segment, `**` across segments.
import {
  ALLOW_ADOPTION_ANNOTATION,
  ALLOWED_RESOURCE_GROUPS_ANNOTATION,
  ALLOWED_VAULTS_ANNOTATION,
} from '../../vocabulary.ts';

export type ScopeKind = 'resource group' | 'vault';

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
}

export function namespacePolicy(enabled: boolean): NamespacePolicy {
  return {
    allowsAdoption(annotations) {
      return !enabled || annotations?.[ALLOW_ADOPTION_ANNOTATION] === 'true';
    },
    check(annotations, kind, armId) {
      if (!enabled) return { allowed: true };
      const annotation = kind === 'vault' ? ALLOWED_VAULTS_ANNOTATION : ALLOWED_RESOURCE_GROUPS_ANNOTATION;
      const patterns = parsePatterns(annotations?.[annotation]);
      const target = normalize(armId);
      const matches = (pattern: string) =>
        kind === 'vault'
          ? globToRegExp(pattern, false).test(target)
          : globToRegExp(pattern, true).test(target);
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
