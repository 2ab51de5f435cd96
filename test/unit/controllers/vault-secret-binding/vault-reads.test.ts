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
/** The actor every test below reads as, unless it says otherwise (AzureActor.key). */
const OPERATOR = 'operator';

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
    await Promise.all([1, 2, 3].map(() => reads.vault(OPERATOR, vaults, VAULT_ID, REF, signal)));
    await reads.vault(OPERATOR, vaults, VAULT_ID.toUpperCase(), REF, signal);
    expect(state.reads).toBe(1);
    await clock.advance(5_000);
    await reads.vault(OPERATOR, vaults, VAULT_ID, REF, signal);
    expect(state.reads).toBe(2);
  });

  it('hands every binding the same frozen read, so none can change what another sees', async () => {
    const reads = new VaultReads(new FakeClock(0), 5_000);
    const { vaults, state } = gateway();
    state.entries = 1;
    const first = await reads.vault(OPERATOR, vaults, VAULT_ID, REF, signal);
    const policies = first?.accessPolicies as unknown[];
    const secrets = first?.accessPolicies[0]?.permissions.secrets as string[];
    expect(() => policies.splice(0)).toThrow(TypeError);
    expect(() => secrets.push('set')).toThrow(TypeError);
    const second = await reads.vault(OPERATOR, vaults, VAULT_ID, REF, signal);
    expect(second).toBe(first);
    expect(second?.accessPolicies).toHaveLength(1);
    expect(second?.accessPolicies[0]?.permissions.secrets).not.toContain('set');
  });

  it('freezes a fresh read too, and keeps it for the bindings that look next', async () => {
    const reads = new VaultReads(new FakeClock(0), 5_000);
    const { vaults, state } = gateway();
    state.entries = 1;
    const fresh = await reads.fresh(OPERATOR, vaults, VAULT_ID, REF, signal);
    expect(Object.isFrozen(fresh?.accessPolicies[0]?.permissions)).toBe(true);
    expect(await reads.vault(OPERATOR, vaults, VAULT_ID, REF, signal)).toBe(fresh);
  });

  it('forgets the vault after our own write, and never keeps a read that was in flight during it', async () => {
    const reads = new VaultReads(new FakeClock(0), 5_000);
    const g = gateway();
    g.gate.hold = true;
    const inFlight = reads.vault(OPERATOR, g.vaults, VAULT_ID, REF, signal);
    reads.wrote(VAULT_ID);
    g.state.entries = 1;
    g.release();
    expect((await inFlight)?.accessPolicies).toHaveLength(0);
    g.gate.hold = false;
    expect((await reads.vault(OPERATOR, g.vaults, VAULT_ID, REF, signal))?.accessPolicies).toHaveLength(1);
    expect(g.state.reads).toBe(2);
  });

  it('always reads for `fresh`, and lets later observers use that read', async () => {
    const reads = new VaultReads(new FakeClock(0), 5_000);
    const { vaults, state } = gateway();
    await reads.fresh(OPERATOR, vaults, VAULT_ID, REF, signal);
    await reads.fresh(OPERATOR, vaults, VAULT_ID, REF, signal);
    await reads.vault(OPERATOR, vaults, VAULT_ID, REF, signal);
    expect(state.reads).toBe(2);
  });

  it('keeps "the secret exists" for the TTL but looks again every time while it is missing', async () => {
    const reads = new VaultReads(new FakeClock(0), 5_000);
    const { vaults, state } = gateway();
    expect(await reads.secretExists(OPERATOR, vaults, VAULT_ID, REF, 'api-key', signal)).toBe(false);
    state.secretThere = true;
    expect(await reads.secretExists(OPERATOR, vaults, VAULT_ID, REF, 'api-key', signal)).toBe(true);
    expect(await reads.secretExists(OPERATOR, vaults, VAULT_ID, REF, 'API-KEY', signal)).toBe(true);
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
    await Promise.all([1, 2, 3].map(() => reads.roleAssignments(OPERATOR, gateway, VAULT_ID, signal)));
    await reads.roleAssignments(OPERATOR, gateway, VAULT_ID.toUpperCase(), signal);
    expect(state.lists).toBe(1);
    expect(state.scopes).toEqual([VAULT_ID]);
    await clock.advance(5_000);
    await reads.roleAssignments(OPERATOR, gateway, VAULT_ID, signal);
    expect(state.lists).toBe(2);
  });

  it('hands every binding the same frozen listing', async () => {
    const reads = new VaultReads(new FakeClock(0), 5_000);
    const { gateway } = roleGateway();
    const first = await reads.roleAssignments(OPERATOR, gateway, VAULT_ID, signal);
    expect(() => (first as unknown[]).splice(0)).toThrow(TypeError);
    expect(Object.isFrozen(first[0])).toBe(true);
    expect(await reads.roleAssignments(OPERATOR, gateway, VAULT_ID, signal)).toHaveLength(1);
  });

  it('forgets the listing after our own delete, and never keeps one that was in flight during it', async () => {
    const reads = new VaultReads(new FakeClock(0), 5_000);
    const g = roleGateway();
    g.gate.hold = true;
    const inFlight = reads.roleAssignments(OPERATOR, g.gateway, VAULT_ID, signal);
    reads.deletedRoleAssignment(VAULT_ID);
    g.state.names = [];
    g.release();
    expect(await inFlight).toHaveLength(1);
    g.gate.hold = false;
    expect(await reads.roleAssignments(OPERATOR, g.gateway, VAULT_ID, signal)).toHaveLength(0);
    expect(g.state.lists).toBe(2);
  });

  it('lists once per actor, and a delete by one actor drops every actor’s listing', async () => {
    const reads = new VaultReads(new FakeClock(0), 5_000);
    const a = roleGateway();
    const b = roleGateway();
    b.state.names = [];
    await Promise.all(
      [1, 2].map(() => reads.roleAssignments('tenant-a/client-a', a.gateway, VAULT_ID, signal)),
    );
    expect(await reads.roleAssignments('tenant-b/client-b', b.gateway, VAULT_ID, signal)).toHaveLength(0);
    expect(await reads.roleAssignments('tenant-a/client-a', a.gateway, VAULT_ID, signal)).toHaveLength(1);
    expect([a.state.lists, b.state.lists]).toEqual([1, 1]);
    reads.deletedRoleAssignment(VAULT_ID); // e.g. team A revoked its assignment
    await reads.roleAssignments('tenant-a/client-a', a.gateway, VAULT_ID, signal);
    await reads.roleAssignments('tenant-b/client-b', b.gateway, VAULT_ID, signal);
    expect([a.state.lists, b.state.lists]).toEqual([2, 2]);
  });

  it('a write to the vault (access policies) does not drop the listing, nor a delete the vault read', async () => {
    const reads = new VaultReads(new FakeClock(0), 5_000);
    const g = roleGateway();
    const v = gateway();
    await reads.roleAssignments(OPERATOR, g.gateway, VAULT_ID, signal);
    await reads.vault(OPERATOR, v.vaults, VAULT_ID, REF, signal);
    reads.wrote(VAULT_ID);
    await reads.roleAssignments(OPERATOR, g.gateway, VAULT_ID, signal);
    expect(g.state.lists).toBe(1);
    await reads.vault(OPERATOR, v.vaults, VAULT_ID, REF, signal);
    reads.deletedRoleAssignment(VAULT_ID);
    await reads.vault(OPERATOR, v.vaults, VAULT_ID, REF, signal);
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
    await reads.startedAfter(OPERATOR, vaults, VAULT_ID, REF, signal, passStartedAt); // the first planner reads
    await clock.advance(10);
    await reads.startedAfter(OPERATOR, vaults, VAULT_ID, REF, signal, passStartedAt); // the next one shares it
    expect(state.reads).toBe(1);
  });

  it('reads again for a pass that began after the kept read started (a change before it may be missing)', async () => {
    const { clock, reads, vaults, state } = world();
    await reads.vault(OPERATOR, vaults, VAULT_ID, REF, signal); // e.g. another binding's observation
    await reads.startedAfter(OPERATOR, vaults, VAULT_ID, REF, signal, clock.now());
    expect(state.reads).toBe(2);
    await clock.advance(1_000);
    await reads.startedAfter(OPERATOR, vaults, VAULT_ID, REF, signal, clock.now());
    expect(state.reads).toBe(3);
  });

  it('never shares a read made before our own write to the vault', async () => {
    const { clock, reads, vaults, state } = world();
    const passStartedAt = clock.now();
    await clock.advance(10);
    await reads.startedAfter(OPERATOR, vaults, VAULT_ID, REF, signal, passStartedAt);
    reads.wrote(VAULT_ID);
    await reads.startedAfter(OPERATOR, vaults, VAULT_ID, REF, signal, passStartedAt);
    expect(state.reads).toBe(2);
  });
});

// Issue 23: each namespace may act as its own Azure identity. A read is shared only between
// callers acting as the same identity; a write, whoever made it, drops every identity's read.
describe('VaultReads per Azure actor', () => {
  const TEAM_A = 'tenant-a/client-a';
  const TEAM_B = 'tenant-b/client-b';

  it('reads once per actor: two actors on one vault get two reads, each through its own gateway', async () => {
    const reads = new VaultReads(new FakeClock(0), 5_000);
    const a = gateway();
    const b = gateway();
    b.state.entries = 1; // what B's identity is shown differs: B must never get A's answer
    const [fromA1, fromA2, fromB1, fromB2] = await Promise.all([
      reads.vault(TEAM_A, a.vaults, VAULT_ID, REF, signal),
      reads.vault(TEAM_A, a.vaults, VAULT_ID, REF, signal),
      reads.vault(TEAM_B, b.vaults, VAULT_ID, REF, signal),
      reads.vault(TEAM_B, b.vaults, VAULT_ID, REF, signal),
    ]);
    // One actor's two bindings still share one read (in flight, then kept for the TTL).
    await reads.vault(TEAM_A, a.vaults, VAULT_ID.toUpperCase(), REF, signal);
    expect(a.state.reads).toBe(1);
    expect(b.state.reads).toBe(1);
    expect(fromA2).toBe(fromA1);
    expect(fromB2).toBe(fromB1);
    expect(fromA1?.accessPolicies).toHaveLength(0);
    expect(fromB1?.accessPolicies).toHaveLength(1);
  });

  it('a write by one actor drops every actor’s kept read of the vault', async () => {
    const reads = new VaultReads(new FakeClock(0), 5_000);
    const a = gateway();
    const b = gateway();
    await reads.vault(TEAM_A, a.vaults, VAULT_ID, REF, signal);
    await reads.vault(TEAM_B, b.vaults, VAULT_ID, REF, signal);
    reads.wrote(VAULT_ID); // e.g. team A's coalesced add
    b.state.entries = 1;
    expect((await reads.vault(TEAM_B, b.vaults, VAULT_ID, REF, signal))?.accessPolicies).toHaveLength(1);
    await reads.vault(TEAM_A, a.vaults, VAULT_ID, REF, signal);
    expect(a.state.reads).toBe(2);
    expect(b.state.reads).toBe(2);
  });

  it('never keeps another actor’s read that was in flight during a write', async () => {
    const reads = new VaultReads(new FakeClock(0), 5_000);
    const b = gateway();
    b.gate.hold = true;
    const inFlight = reads.vault(TEAM_B, b.vaults, VAULT_ID, REF, signal);
    reads.wrote(VAULT_ID); // written as team A meanwhile
    b.release();
    await inFlight;
    b.gate.hold = false;
    await reads.vault(TEAM_B, b.vaults, VAULT_ID, REF, signal);
    expect(b.state.reads).toBe(2);
  });

  it('never serves a write decision from another actor’s read, however recent', async () => {
    const clock = new FakeClock(0);
    const reads = new VaultReads(clock, 5_000);
    const a = gateway();
    const b = gateway();
    const passStartedAt = clock.now();
    await clock.advance(10);
    await reads.startedAfter(TEAM_A, a.vaults, VAULT_ID, REF, signal, passStartedAt);
    await reads.startedAfter(TEAM_B, b.vaults, VAULT_ID, REF, signal, passStartedAt);
    await reads.startedAfter(TEAM_B, b.vaults, VAULT_ID, REF, signal, passStartedAt);
    expect(a.state.reads).toBe(1);
    expect(b.state.reads).toBe(1);
  });

  it('keeps "the secret exists" per actor', async () => {
    const reads = new VaultReads(new FakeClock(0), 5_000);
    const a = gateway();
    const b = gateway();
    a.state.secretThere = true; // B's identity may not see it: B must look for itself
    expect(await reads.secretExists(TEAM_A, a.vaults, VAULT_ID, REF, 'api-key', signal)).toBe(true);
    expect(await reads.secretExists(TEAM_B, b.vaults, VAULT_ID, REF, 'api-key', signal)).toBe(false);
    expect(await reads.secretExists(TEAM_A, a.vaults, VAULT_ID, REF, 'api-key', signal)).toBe(true);
    expect([a.state.secretReads, b.state.secretReads]).toEqual([1, 1]);
  });
});
