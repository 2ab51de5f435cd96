import { describe, expect, it } from 'vitest';
import type {
  ObservedVault,
  RoleAssignment,
  RoleAssignmentGateway,
  VaultGateway,
} from '../../../../src/azure/index.ts';
import { VaultReads } from '../../../../src/controllers/vault-secret-binding/observe/vault-reads.ts';
import { FakeClock } from '../../../support/fake-clock.ts';

const VAULT_ID = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv';
const REF = { resourceGroup: 'rg', name: 'kv' };
const signal = new AbortController().signal;

/** A fake clock, the reads under test (5 s TTL) and a counting gateway. */
function world() {
  const clock = new FakeClock(0);
  return { clock, reads: new VaultReads(clock, 5_000), ...gateway() };
}

function gateway() {
  const state = { reads: 0, secretReads: 0, entries: 0, secretThere: false };
  let release: (() => void) | undefined;
  const gate = { hold: false };
  const vaults = {
    get: async (): Promise<ObservedVault> => {
      state.reads += 1;
      const snapshot = state.entries;
      if (gate.hold) await new Promise<void>((resolve) => (release = resolve));
      return {
        id: VAULT_ID,
        name: 'kv',
        location: 'westeurope',
        tenantId: 't',
        enableRbacAuthorization: false,
        accessPolicies: Array.from({ length: snapshot }, (_, i) => ({
          tenantId: 't',
          objectId: `o${i}`,
          permissions: { secrets: ['get'], keys: [], certificates: [], storage: [] },
        })),
      };
    },
    secretExists: async () => {
      state.secretReads += 1;
      return state.secretThere;
    },
  } as unknown as VaultGateway;
  return { vaults, state, gate, release: () => release?.() };
}

describe('VaultReads', () => {
  it('shares one read between concurrent callers and for the TTL, then reads again', async () => {
    const { clock, reads, vaults, state } = world();
    await Promise.all([1, 2, 3].map(() => reads.vault(vaults, VAULT_ID, REF, signal)));
    await reads.vault(vaults, VAULT_ID.toUpperCase(), REF, signal);
    expect(state.reads).toBe(1);
    await clock.advance(5_000);
    await reads.vault(vaults, VAULT_ID, REF, signal);
    expect(state.reads).toBe(2);
  });

  it('hands every binding the same frozen read, so none can change what another sees', async () => {
    const reads = new VaultReads(new FakeClock(0), 5_000);
    const { vaults, state } = gateway();
    state.entries = 1;
    const first = await reads.vault(vaults, VAULT_ID, REF, signal);
    const policies = first?.accessPolicies as unknown[];
    const secrets = first?.accessPolicies[0]?.permissions.secrets as string[];
    expect(() => policies.splice(0)).toThrow(TypeError);
    expect(() => secrets.push('set')).toThrow(TypeError);
    const second = await reads.vault(vaults, VAULT_ID, REF, signal);
    expect(second).toBe(first);
    expect(second?.accessPolicies).toHaveLength(1);
    expect(second?.accessPolicies[0]?.permissions.secrets).not.toContain('set');
  });

  it('freezes a fresh read too, and keeps it for the bindings that look next', async () => {
    const reads = new VaultReads(new FakeClock(0), 5_000);
    const { vaults, state } = gateway();
    state.entries = 1;
    const fresh = await reads.fresh(vaults, VAULT_ID, REF, signal);
    expect(Object.isFrozen(fresh?.accessPolicies[0]?.permissions)).toBe(true);
    expect(await reads.vault(vaults, VAULT_ID, REF, signal)).toBe(fresh);
  });

  it('forgets the vault after our own write, and never keeps a read that was in flight during it', async () => {
    const reads = new VaultReads(new FakeClock(0), 5_000);
    const g = gateway();
    g.gate.hold = true;
    const inFlight = reads.vault(g.vaults, VAULT_ID, REF, signal);
    reads.wrote(VAULT_ID);
    g.state.entries = 1;
    g.release();
    expect((await inFlight)?.accessPolicies).toHaveLength(0);
    g.gate.hold = false;
    expect((await reads.vault(g.vaults, VAULT_ID, REF, signal))?.accessPolicies).toHaveLength(1);
    expect(g.state.reads).toBe(2);
  });

  it('always reads for `fresh`, and lets later observers use that read', async () => {
    const reads = new VaultReads(new FakeClock(0), 5_000);
    const { vaults, state } = gateway();
    await reads.fresh(vaults, VAULT_ID, REF, signal);
    await reads.fresh(vaults, VAULT_ID, REF, signal);
    await reads.vault(vaults, VAULT_ID, REF, signal);
    expect(state.reads).toBe(2);
  });

  it('keeps "the secret exists" for the TTL but looks again every time while it is missing', async () => {
    const reads = new VaultReads(new FakeClock(0), 5_000);
    const { vaults, state } = gateway();
    expect(await reads.secretExists(vaults, VAULT_ID, REF, 'api-key', signal)).toBe(false);
    state.secretThere = true;
    expect(await reads.secretExists(vaults, VAULT_ID, REF, 'api-key', signal)).toBe(true);
    expect(await reads.secretExists(vaults, VAULT_ID, REF, 'API-KEY', signal)).toBe(true);
    expect(state.secretReads).toBe(2);
  });
});

describe('VaultReads: the vault role-assignment listing', () => {
  function roleGateway() {
    const state = { lists: 0, scopes: [] as string[], names: ['a'] };
    let release: (() => void) | undefined;
    const gate = { hold: false };
    const gateway = {
      listAround: async (scope: string): Promise<RoleAssignment[]> => {
        state.lists += 1;
        state.scopes.push(scope);
        const names = [...state.names];
        if (gate.hold) await new Promise<void>((resolve) => (release = resolve));
        return names.map((name) => ({
          id: `${scope}/secrets/s/providers/Microsoft.Authorization/roleAssignments/${name}`,
          name,
          scope: `${scope}/secrets/s`,
          roleDefinitionId: 'role',
          principalId: 'p',
          principalType: 'ServicePrincipal',
        }));
      },
    } as unknown as RoleAssignmentGateway;
    return { gateway, state, gate, release: () => release?.() };
  }

  it('lists the vault scope once for concurrent callers and for the TTL, then again', async () => {
    const clock = new FakeClock(0);
    const reads = new VaultReads(clock, 5_000);
    const { gateway, state } = roleGateway();
    await Promise.all([1, 2, 3].map(() => reads.roleAssignments(gateway, VAULT_ID, signal)));
    await reads.roleAssignments(gateway, VAULT_ID.toUpperCase(), signal);
    expect(state.lists).toBe(1);
    expect(state.scopes).toEqual([VAULT_ID]);
    await clock.advance(5_000);
    await reads.roleAssignments(gateway, VAULT_ID, signal);
    expect(state.lists).toBe(2);
  });

  it('hands every binding the same frozen listing', async () => {
    const reads = new VaultReads(new FakeClock(0), 5_000);
    const { gateway } = roleGateway();
    const first = await reads.roleAssignments(gateway, VAULT_ID, signal);
    expect(() => (first as unknown[]).splice(0)).toThrow(TypeError);
    expect(Object.isFrozen(first[0])).toBe(true);
    expect(await reads.roleAssignments(gateway, VAULT_ID, signal)).toHaveLength(1);
  });

  it('forgets the listing after our own delete, and never keeps one that was in flight during it', async () => {
    const reads = new VaultReads(new FakeClock(0), 5_000);
    const g = roleGateway();
    g.gate.hold = true;
    const inFlight = reads.roleAssignments(g.gateway, VAULT_ID, signal);
    reads.deletedRoleAssignment(VAULT_ID);
    g.state.names = [];
    g.release();
    expect(await inFlight).toHaveLength(1);
    g.gate.hold = false;
    expect(await reads.roleAssignments(g.gateway, VAULT_ID, signal)).toHaveLength(0);
    expect(g.state.lists).toBe(2);
  });

  it('a write to the vault (access policies) does not drop the listing, nor a delete the vault read', async () => {
    const reads = new VaultReads(new FakeClock(0), 5_000);
    const g = roleGateway();
    const v = gateway();
    await reads.roleAssignments(g.gateway, VAULT_ID, signal);
    await reads.vault(v.vaults, VAULT_ID, REF, signal);
    reads.wrote(VAULT_ID);
    await reads.roleAssignments(g.gateway, VAULT_ID, signal);
    expect(g.state.lists).toBe(1);
    await reads.vault(v.vaults, VAULT_ID, REF, signal);
    reads.deletedRoleAssignment(VAULT_ID);
    await reads.vault(v.vaults, VAULT_ID, REF, signal);
    expect(v.state.reads).toBe(2);
  });
});

// The read a write decision may use: one that began after the deciding pass did, so it shows
// every change made before the pass; otherwise a read of its own.
describe('VaultReads.startedAfter', () => {
  it('shares a read that started after the pass began', async () => {
    const { clock, reads, vaults, state } = world();
    const passStartedAt = clock.now();
    await clock.advance(10);
    await reads.startedAfter(vaults, VAULT_ID, REF, signal, passStartedAt); // the first planner reads
    await clock.advance(10);
    await reads.startedAfter(vaults, VAULT_ID, REF, signal, passStartedAt); // the next one shares it
    expect(state.reads).toBe(1);
  });

  it('reads again for a pass that began after the kept read started (a change before it may be missing)', async () => {
    const { clock, reads, vaults, state } = world();
    await reads.vault(vaults, VAULT_ID, REF, signal); // e.g. another binding's observation
    await reads.startedAfter(vaults, VAULT_ID, REF, signal, clock.now());
    expect(state.reads).toBe(2);
    await clock.advance(1_000);
    await reads.startedAfter(vaults, VAULT_ID, REF, signal, clock.now());
    expect(state.reads).toBe(3);
  });

  it('never shares a read made before our own write to the vault', async () => {
    const { clock, reads, vaults, state } = world();
    const passStartedAt = clock.now();
    await clock.advance(10);
    await reads.startedAfter(vaults, VAULT_ID, REF, signal, passStartedAt);
    reads.wrote(VAULT_ID);
    await reads.startedAfter(vaults, VAULT_ID, REF, signal, passStartedAt);
    expect(state.reads).toBe(2);
  });
});
