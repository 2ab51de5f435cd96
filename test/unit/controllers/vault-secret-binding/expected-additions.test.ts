// Which bindings hold a vault's coalesced access-policy add back: only those on their way to a
// first grant whose workflow's principal is coming by itself.
import { describe, expect, it } from 'vitest';
import { expectedAdditions } from '../../../../src/controllers/vault-secret-binding/observe/expected-additions.ts';
import type { LogicAppWorkflow, VaultSecretBinding } from '../../../../src/crds/index.ts';
import { ListSource } from './support/world.ts';

const VAULT = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv';
const OTHER_VAULT = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/other';

function condition(type: string, status: string, reason: string) {
  return { type, status, reason, message: '', lastTransitionTime: '2026-11-26T00:00:00Z' };
}

function binding(name: string, options: { vaultId?: string; ready?: [string, string]; model?: string } = {}) {
  return {
    metadata: { name, namespace: 'team-a', uid: `uid-${name}` },
    spec: {
      workflowRef: { name: `wf-${name}` },
      vaultId: options.vaultId ?? VAULT,
      secretName: 's',
      ...(options.model ? { accessModel: options.model } : {}),
    },
    ...(options.ready ? { status: { conditions: [condition('Ready', ...options.ready)] } } : {}),
  } as unknown as VaultSecretBinding;
}

function workflow(
  name: string,
  options: { principal?: boolean; ready?: [string, string]; deleting?: boolean } = {},
) {
  return {
    metadata: {
      name,
      namespace: 'team-a',
      ...(options.deleting ? { deletionTimestamp: '2026-11-26T00:00:00Z' } : {}),
    },
    spec: {},
    status: {
      ...(options.principal ? { identity: { type: 'SystemAssigned', principalId: `p-${name}` } } : {}),
      ...(options.ready ? { conditions: [condition('Ready', ...options.ready)] } : {}),
    },
  } as unknown as LogicAppWorkflow;
}

function expecting(
  bindings: VaultSecretBinding[],
  workflows: LogicAppWorkflow[],
  handedOver: string[] = [],
  vaultId = VAULT,
): number {
  return expectedAdditions(
    {
      bindings: new ListSource(() => bindings.map((b) => [`team-a/${b.metadata.name}`, b])),
      workflows: new ListSource(() => workflows.map((w) => [`team-a/${w.metadata.name}`, w])),
      alreadyHandedOver: (uid) => handedOver.includes(uid),
    },
    vaultId,
  );
}

describe('expectedAdditions', () => {
  it('expects a new binding whose workflow is being created or already has its principal', () => {
    expect(expecting([binding('a')], [workflow('wf-a')])).toBe(1);
    expect(
      expecting(
        [binding('a', { ready: ['False', 'WaitingForPrincipal'] })],
        [workflow('wf-a', { ready: ['False', 'Progressing'] })],
      ),
    ).toBe(1);
    expect(
      expecting([binding('a')], [workflow('wf-a', { principal: true, ready: ['True', 'Succeeded'] })]),
    ).toBe(1);
    // The vault id is compared as ARM compares it: case does not matter.
    expect(expecting([binding('a')], [workflow('wf-a')], [], VAULT.toUpperCase())).toBe(1);
  });

  it('counts every expected binding of the vault', () => {
    const names = ['a', 'b', 'c', 'd'];
    const workflows = names.map((name) => workflow(`wf-${name}`));
    expect(
      expecting(
        names.map((name) => binding(name)),
        workflows,
      ),
    ).toBe(4);
    // One handed over, one on another vault: two are still expected here.
    const bindings = names.map((name) => binding(name, name === 'd' ? { vaultId: OTHER_VAULT } : {}));
    expect(expecting(bindings, workflows, ['uid-a'])).toBe(2);
  });

  it('does not expect bindings of another vault, in RBAC, already granted, or already in the batch', () => {
    const wf = [workflow('wf-a')];
    expect(expecting([binding('a', { vaultId: OTHER_VAULT })], wf)).toBe(0);
    expect(expecting([binding('a', { model: 'RBAC' })], wf)).toBe(0);
    expect(expecting([binding('a', { ready: ['True', 'Succeeded'] })], wf)).toBe(0);
    expect(expecting([binding('a')], wf, ['uid-a'])).toBe(0);
  });

  it('does not expect what waits on a human: a missing or stalled workflow, a missing secret, a stalled binding', () => {
    expect(expecting([binding('a')], [])).toBe(0);
    expect(expecting([binding('a')], [workflow('wf-a', { ready: ['False', 'ResourceGroupNotFound'] })])).toBe(
      0,
    );
    expect(expecting([binding('a')], [workflow('wf-a', { ready: ['False', 'WaitingForConfigMap'] })])).toBe(
      0,
    );
    expect(expecting([binding('a')], [workflow('wf-a', { deleting: true })])).toBe(0);
    expect(expecting([binding('a', { ready: ['False', 'WaitingForSecret'] })], [workflow('wf-a')])).toBe(0);
    expect(expecting([binding('a', { ready: ['False', 'NamespacePolicyDenied'] })], [workflow('wf-a')])).toBe(
      0,
    );
  });
});
