import { describe, expect, it } from 'vitest';
import { namespacePolicy } from '../../../../src/controllers/shared/namespace-policy.ts';
import { ownershipOf, ownerValue } from '../../../../src/controllers/shared/owner-tag.ts';
import {
  ALLOWED_RESOURCE_GROUPS_ANNOTATION,
  ALLOWED_ROLE_SCOPES_ANNOTATION,
  ALLOWED_ROLES_ANNOTATION,
  ALLOWED_VAULTS_ANNOTATION,
} from '../../../../src/vocabulary.ts';

const SUB = '/subscriptions/11111111-1111-1111-1111-111111111111';
const vault = (rg: string, name: string) =>
  `${SUB}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/${name}`;

describe('namespacePolicy', () => {
  const policy = namespacePolicy(true);

  it('denies by default, naming the annotation to set', () => {
    const verdict = policy.check({}, 'resource group', `${SUB}/resourceGroups/team-a`);
    expect(verdict.allowed).toBe(false);
    expect(verdict.allowed ? '' : verdict.message).toContain(ALLOWED_RESOURCE_GROUPS_ANNOTATION);
  });

  it.each([
    [`${SUB}/resourceGroups/team-a-*`, `${SUB}/resourceGroups/team-a-prod`, true],
    [`${SUB}/resourceGroups/team-a-*`, `${SUB}/resourceGroups/team-b-prod`, false],
    [`${SUB}/resourceGroups/TEAM-A`, `${SUB}/resourcegroups/team-a`, true],
    [
      `${SUB}/resourceGroups/team-a`,
      `${SUB}/resourceGroups/team-a/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-1`,
      true,
    ],
    [`${SUB}/resourceGroups/team-a`, `${SUB}/resourceGroups/team-ab`, false],
    ['/subscriptions/*/resourceGroups/shared', `${SUB}/resourceGroups/shared`, true],
    [`/subscriptions/*/resourceGroups/x, ${SUB}/resourceGroups/y`, `${SUB}/resourceGroups/y`, true],
  ])('resource-group pattern %s vs %s -> %s', (pattern, id, allowed) => {
    expect(
      policy.check({ [ALLOWED_RESOURCE_GROUPS_ANNOTATION]: pattern }, 'resource group', id).allowed,
    ).toBe(allowed);
  });

  describe('role grants (issue 24)', () => {
    const queue = `${SUB}/resourceGroups/team-a/providers/Microsoft.ServiceBus/namespaces/sb-a/queues/orders`;
    const receiver = { name: 'Azure Service Bus Data Receiver', id: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0' };

    it('denies role scopes and roles by default, naming the annotations to set', () => {
      const scope = policy.check({}, 'role scope', queue);
      const role = policy.checkRole({}, receiver);
      expect(scope.allowed ? '' : scope.message).toContain(ALLOWED_ROLE_SCOPES_ANNOTATION);
      expect(role.allowed ? '' : role.message).toContain(ALLOWED_ROLES_ANNOTATION);
    });

    it.each([
      [`${SUB}/resourceGroups/team-a/providers/Microsoft.ServiceBus/namespaces/sb-a`, true],
      [`${SUB}/resourceGroups/team-a/providers/Microsoft.ServiceBus/namespaces/sb-a/queues/orders`, true],
      [`${SUB}/resourceGroups/team-a/providers/Microsoft.ServiceBus/namespaces/sb-*`, true],
      [`${SUB}/resourceGroups/team-a/providers/Microsoft.ServiceBus/namespaces/sb-b`, false],
      [`${SUB}/resourceGroups/team-a/providers/Microsoft.ServiceBus/namespaces/sb-a/queues/other`, false],
      [`${SUB}/resourceGroups/team-b`, false],
    ])('role-scope pattern %s covers the queue: %s', (pattern, allowed) => {
      expect(policy.check({ [ALLOWED_ROLE_SCOPES_ANNOTATION]: pattern }, 'role scope', queue).allowed).toBe(
        allowed,
      );
    });

    it.each([
      ['Azure Service Bus Data Receiver', true],
      ['azure service bus  data receiver', true],
      ['4F6D3B9B-027B-4F4C-9142-0E5A2A2247E0', true],
      ['Storage Blob Data Reader, Azure Service Bus Data Receiver', true],
      ['Azure Service Bus Data Sender', false],
      ['Azure Service Bus Data', false],
    ])('allowed-roles %s lets the receiver role through: %s', (annotation, allowed) => {
      expect(policy.checkRole({ [ALLOWED_ROLES_ANNOTATION]: annotation }, receiver).allowed).toBe(allowed);
    });

    it('allows everything when the policy is off', () => {
      expect(namespacePolicy(false).checkRole({}, receiver).allowed).toBe(true);
      expect(namespacePolicy(false).check({}, 'role scope', queue).allowed).toBe(true);
    });
  });

  it('matches vaults by their own annotation, without extending to children', () => {
    const annotations = { [ALLOWED_VAULTS_ANNOTATION]: `${SUB}/resourceGroups/**/vaults/team-a-*` };
    expect(policy.check(annotations, 'vault', vault('rg', 'team-a-kv')).allowed).toBe(true);
    expect(policy.check(annotations, 'vault', vault('rg', 'team-b-kv')).allowed).toBe(false);
    expect(policy.check(annotations, 'resource group', `${SUB}/resourceGroups/rg`).allowed).toBe(false);
  });

  it('allows everything when turned off (single-tenant clusters)', () => {
    expect(namespacePolicy(false).check(undefined, 'vault', vault('rg', 'kv')).allowed).toBe(true);
  });
});

describe('ownership', () => {
  it('tells ours, unowned and foreign apart', () => {
    const me = ownerValue('cluster-1', 'team-a', 'wf');
    expect(ownershipOf({ 'logicops-owner': me }, me)).toBe('ours');
    expect(ownershipOf({ other: 'x' }, me)).toBe('unowned');
    expect(ownershipOf({ 'logicops-owner': ownerValue('cluster-2', 'team-a', 'wf') }, me)).toBe('foreign');
  });
});
