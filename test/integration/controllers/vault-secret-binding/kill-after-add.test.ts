// Issue 9 must-show: "kill -9 of the operator right after an `add` → after restart the ledger is
// complete and deleting the binding removes the grant".
//
// The operator runs as its own process (`logicops run`), unchanged: the crash point lives in the
// emulator. Its `hold` after-commit fault (packages/azure-emulator/README.md) lets the first accessPolicies/add
// complete — the permission is in Azure, as the service would have applied it — and keeps the
// answer back, so the operator is waiting for it: before any binding can record Granted. The test
// waits until the write is held, checks that the write-ahead ledger (phase Intended) already covers
// the grant, SIGKILLs the process, sees the emulator note that its caller went away, starts a
// second process, and judges Azure from the emulator's state only.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEMO_ACCESS_POLICY_VAULT, DEMO_RESOURCE_GROUP } from '@logicops/azure-emulator';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { VAULT_SECRET_BINDING_RESOURCE } from '../../../../src/controllers/resource-kinds.ts';
import type { LogicAppWorkflow, VaultSecretBinding } from '../../../../src/crds/index.ts';
import { eventually } from '../../../support/eventually.ts';
import {
  type OperatorProcess,
  operatorSettingsFor,
  startOperatorProcess,
} from '../../../support/operator-process.ts';
import {
  condition,
  createBinding,
  createWorkflow,
  deleteObject,
  type MustShowWorld,
  readBinding,
  readWorkflow,
  startMustShowWorld,
} from '../must-show-support.ts';

const ACCESS_POLICY_WRITE = 'Microsoft.KeyVault/vaults/accessPolicies/write';
const ACCESS_POLICY_ADD_PATH = /\/providers\/microsoft\.keyvault\/vaults\/[^/]+\/accesspolicies\/add$/i;
const BYSTANDER = '00000000-0000-4000-8000-0000000b0001';

describe('VaultSecretBinding must-show: kill -9 right after an accessPolicies/add', () => {
  let world: MustShowWorld;
  let ns: string;
  let tmp: string;
  let operator: OperatorProcess | undefined;

  const vaultState = () =>
    Object.values(world.emulator.state.vaults).find((v) => v.name === DEMO_ACCESS_POLICY_VAULT);
  const entryOf = (objectId: string) =>
    vaultState()?.accessPolicies.find((p) => p.objectId.toLowerCase() === objectId.toLowerCase());
  const othersThan = (objectId: string) =>
    structuredClone(
      vaultState()?.accessPolicies.filter((p) => p.objectId.toLowerCase() !== objectId.toLowerCase()),
    );
  const accessPolicyWrites = () => world.emulator.counters().byOperation[ACCESS_POLICY_WRITE]?.count ?? 0;

  beforeAll(async () => {
    world = await startMustShowWorld({ prefixes: ['vsb-kill'] });
    [ns = ''] = world.namespaces;
    tmp = await mkdtemp(path.join(os.tmpdir(), 'logicops-kill-after-add-'));
    // Someone else's entry on the vault: it must come through both runs and the revoke untouched.
    const vault = await world.azure.keyVault.vaults.get(DEMO_RESOURCE_GROUP, DEMO_ACCESS_POLICY_VAULT);
    await world.azure.keyVault.vaults.updateAccessPolicy(
      DEMO_RESOURCE_GROUP,
      DEMO_ACCESS_POLICY_VAULT,
      'add',
      {
        properties: {
          accessPolicies: [
            {
              tenantId: vault.properties.tenantId,
              objectId: BYSTANDER,
              permissions: { secrets: ['get', 'list'] },
            },
          ],
        },
      },
    );
  });
  afterAll(async () => {
    await operator?.stop();
    await world?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('keeps a complete ledger across the kill, and the revoke after restart removes exactly the grant', async () => {
    const logFile = path.join(tmp, 'operator.log');
    const vaultId = `${world.subscriptionRoot}/resourceGroups/${DEMO_RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/${DEMO_ACCESS_POLICY_VAULT}`;
    const start = () =>
      startOperatorProcess(
        operatorSettingsFor(world.emulator, {
          kubeconfigPath: inject('kubeconfigPath'),
          namespaces: [ns],
          clusterId: 'must-show-kill',
          logFile,
        }),
      );

    // First incarnation; the emulator will apply its first access-policy write and hold the answer.
    operator = await start();
    await operator.ready(90_000);
    world.emulator.setFaults({ afterCommit: [{ operation: ACCESS_POLICY_WRITE, next: 1, fault: 'hold' }] });
    const writesBefore = accessPolicyWrites();
    const logBefore = world.emulator.requests().at(-1)?.seq ?? 0;
    await createWorkflow(world, ns, 'wf');
    await createBinding(world, ns, 'kv-read', { workflowRef: { name: 'wf' }, vaultId });
    const principalId = await eventually(async () => {
      const workflow = (await readWorkflow(world, ns, 'wf')) as LogicAppWorkflow;
      const id = workflow.status?.identity?.principalId ?? '';
      expect(id).not.toBe('');
      return id;
    }, 60_000);
    const bystanderBefore = othersThan(principalId);
    expect(bystanderBefore?.some((p) => p.objectId === BYSTANDER)).toBe(true);

    const held = await world.emulator.waitForHeldResponses(1, 60_000);
    expect(held).toHaveLength(1);
    const [add] = held;
    expect(add).toMatchObject({
      operation: ACCESS_POLICY_WRITE,
      method: 'PUT',
      status: 200,
      clientGone: false,
    });
    expect(add?.path).toMatch(ACCESS_POLICY_ADD_PATH);
    // The add is applied and its answer held: Azure has the permission, and the ledger already
    // covers it (written ahead, phase Intended) although Granted was never recorded.
    expect(entryOf(principalId)?.permissions.secrets?.map((p) => p.toLowerCase())).toEqual(['get']);
    const atKill = (await readBinding(world, ns, 'kv-read')) as VaultSecretBinding;
    expect(atKill.status?.grant).toMatchObject({
      phase: 'Intended',
      principalId,
      vaultId,
      accessModel: 'AccessPolicy',
      permissionsAdded: ['get'],
    });
    expect(atKill.metadata.finalizers).toContain('logicops.io/finalizer');

    operator.signal('SIGKILL');
    expect(await operator.exited).toBeNull();
    // The answer never reached anyone: the emulator saw its caller go away while it was held.
    await eventually(
      async () => expect(world.emulator.heldResponses()[0]?.clientGone).toBe(true),
      10_000,
      100,
    );
    expect(world.emulator.releaseHeldResponse(add?.id ?? '')).toBe(true);
    // Released to nobody: the log records the one add, applied, answered with nothing.
    await eventually(async () => {
      const writes = world.emulator.requests(logBefore).filter((r) => r.operation === ACCESS_POLICY_WRITE);
      expect(writes.map((r) => ({ status: r.status, afterCommit: r.afterCommit }))).toEqual([
        { status: 0, afterCommit: 'hold' },
      ]);
    }, 10_000);
    expect(accessPolicyWrites() - writesBefore).toBe(1);

    // Second incarnation: it finishes from the ledger without writing Azure again.
    operator = await start();
    await operator.ready(90_000);
    const granted = await eventually(async () => {
      const binding = (await readBinding(world, ns, 'kv-read')) as VaultSecretBinding;
      expect(condition(binding, 'Ready')).toMatchObject({ status: 'True', reason: 'Succeeded' });
      return binding;
    }, 60_000);
    expect(granted.status?.grant).toMatchObject({
      phase: 'Granted',
      principalId,
      vaultId,
      accessModel: 'AccessPolicy',
      permissionsAdded: ['get'],
      permissionsPreExisting: [],
    });
    expect(granted.status?.principalId).toBe(principalId);
    expect(accessPolicyWrites() - writesBefore).toBe(1);

    // Deleting the binding revokes exactly what the ledger says: the entry goes, others stay.
    await deleteObject(world, VAULT_SECRET_BINDING_RESOURCE, ns, 'kv-read');
    await eventually(async () => expect(await readBinding(world, ns, 'kv-read')).toBeUndefined(), 60_000);
    expect(entryOf(principalId)).toBeUndefined();
    expect(othersThan(principalId)).toEqual(bystanderBefore);
  }, 240_000);
});
