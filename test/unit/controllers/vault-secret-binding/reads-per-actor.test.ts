// Issue 23 through the real reconcile: two namespaces acting as two Azure identities bind one
// vault. The vault reads their bindings share are each identity's own — one per identity per
// burst, never one identity's read serving the other — and a write by one identity makes the
// other read the vault again, since Azure changed for both.
import { beforeEach, describe, expect, it } from 'vitest';
import type { AzureActor, AzureGateways } from '../../../../src/azure/index.ts';
import { addTestVault, createWorld, OTHER_PRINCIPAL, PRINCIPAL } from './support/world.ts';

type World = ReturnType<typeof createWorld>;

const TEAMS = { 'team-a': 'tenant-a/client-a', 'team-b': 'tenant-b/client-b' } as const;
type Team = keyof typeof TEAMS;

const actorOf = (team: Team): AzureActor => ({
  key: TEAMS[team],
  credential: { getToken: async () => null },
  source: `Secret ${team}/azure`,
});

/** The gateways as `actor`: every call is logged as `<actor key> <operation>`. */
function loggedAs(gateways: AzureGateways, actor: string, log: string[]): AzureGateways {
  const logged = <T extends object>(gateway: T): T =>
    new Proxy(gateway, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          log.push(`${actor} ${String(property)}`);
          return value.apply(target, args);
        };
      },
    });
  return { ...gateways, vaults: logged(gateways.vaults), roleAssignments: logged(gateways.roleAssignments) };
}

let world: World;
let calls: string[];
const callsOf = (team: Team, operation: string) => calls.filter((c) => c === `${TEAMS[team]} ${operation}`);

/** b1 and b2 in each namespace, each for a workflow of its own, all on vault kv1 (access policies). */
async function grantAll(): Promise<void> {
  for (const team of Object.keys(TEAMS) as Team[]) {
    world.allowVaults(team);
    world.workflow('wf', team === 'team-a' ? PRINCIPAL : OTHER_PRINCIPAL, team);
    for (const name of ['b1', 'b2']) world.binding(name, {}, team);
  }
  for (const team of Object.keys(TEAMS) as Team[])
    for (const name of ['b1', 'b2']) await world.reconcile(name, team);
}

const everyBinding = () =>
  (Object.keys(TEAMS) as Team[]).flatMap((team) => ['b1', 'b2'].map((name) => ({ team, name })));

beforeEach(async () => {
  world = createWorld({ vaultReadTtlMs: 5_000 });
  calls = [];
  world.shared.actors = { actorFor: async (namespace) => actorOf(namespace as Team) };
  world.shared.gatewaysFor = (actor) => loggedAs(world.azure.gateways(), actor.key, calls);
  addTestVault(world);
  await grantAll();
  expect(world.azure.entry('kv1', PRINCIPAL)).toEqual(['get']);
  expect(world.azure.entry('kv1', OTHER_PRINCIPAL)).toEqual(['get']);
  await world.clock.advance(60_000);
  calls.length = 0;
});

describe('shared vault reads, per namespace identity', () => {
  it('a resync of both namespaces reads the vault once per identity, each as itself', async () => {
    // One after another: team-b's bindings come while team-a's read is kept.
    for (const { team, name } of everyBinding()) {
      const result = await world.reconcile(name, team);
      expect(result).not.toBeInstanceOf(Error);
    }
    // Two bindings per identity, one read per identity: shared within it, never across.
    expect(callsOf('team-a', 'get')).toHaveLength(1);
    expect(callsOf('team-b', 'get')).toHaveLength(1);
    expect(callsOf('team-a', 'secretExists')).toHaveLength(1);
    expect(callsOf('team-b', 'secretExists')).toHaveLength(1);
    expect(calls.filter((c) => !c.endsWith(' get') && !c.endsWith(' secretExists'))).toEqual([]);
  });

  it("a write by one namespace's identity makes the other read the vault again", async () => {
    for (const { team, name } of everyBinding()) await world.reconcile(name, team);
    expect(callsOf('team-b', 'get')).toHaveLength(1);
    // Within the TTL, team-b's bindings are served their identity's read...
    await world.reconcile('b1', 'team-b');
    expect(callsOf('team-b', 'get')).toHaveLength(1);
    // ...until team-a writes to the vault (a permission more for its principal).
    world.binding('b1', { permissions: ['get', 'list'] }, 'team-a');
    await world.reconcile('b1', 'team-a');
    expect(world.azure.entry('kv1', PRINCIPAL)).toEqual(['get', 'list']);
    expect(calls.some((c) => c === `${TEAMS['team-a']} addAccessPolicies`)).toBe(true);
    await world.reconcile('b2', 'team-b');
    expect(callsOf('team-b', 'get')).toHaveLength(2);
  });
});
