// Issue 9 must-show: "kill -9 of the operator right after an `add` → after restart the ledger is
// complete and deleting the binding removes the grant".
//
// The operator runs as its own process (`logicops run`). The first incarnation carries the
// test-only hook LOGICOPS_TEST_PAUSE_AFTER=accessPolicyAdd (src/controllers/vault-secret-binding/
// test-pause.ts): right after the accessPolicies/add returned — the permission is in Azure — and
// before any binding records Granted, it says so in a file and hangs. The test checks that the
// write-ahead ledger (phase Intended) already covers the grant, SIGKILLs the process, starts a
// second one without the hook, and judges Azure from the emulator's state only.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VAULT_SECRET_BINDING_RESOURCE } from '../../../../src/controllers/resource-kinds.ts';
import type { LogicAppWorkflow, VaultSecretBinding } from '../../../../src/crds/index.ts';
import { DEMO_ACCESS_POLICY_VAULT, DEMO_RESOURCE_GROUP } from '../../../../src/emulator/index.ts';
import { eventually } from '../../runtime/support/eventually.ts';
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
import { type OperatorProcess, startOperatorProcess } from './operator-process.ts';

const ACCESS_POLICY_WRITE = 'Microsoft.KeyVault/vaults/accessPolicies/write';
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
    const pauseFile = path.join(tmp, 'paused');
    const vaultId = `${world.subscriptionRoot}/resourceGroups/${DEMO_RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/${DEMO_ACCESS_POLICY_VAULT}`;
    const start = (env?: Record<string, string>) =>
      startOperatorProcess({
        emulator: world.emulator,
        namespace: ns,
        clusterId: 'must-show-kill',
        logFile,
        ...(env ? { env } : {}),
      });

    // First incarnation, with the crash point armed.
    operator = await start({
      LOGICOPS_TEST_PAUSE_AFTER: 'accessPolicyAdd',
      LOGICOPS_TEST_PAUSE_FILE: pauseFile,
    });
    await operator.ready(90_000);
    const writesBefore = accessPolicyWrites();
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

    await eventually(
      async () => expect(await readFile(pauseFile, 'utf8')).toContain('paused after accessPolicyAdd'),
      60_000,
      200,
    );
    // Paused right after the add: Azure has the permission, and the ledger already covers it
    // (written ahead, phase Intended) although Granted was never recorded.
    expect(accessPolicyWrites() - writesBefore).toBe(1);
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
    expect((await readFile(logFile, 'utf8')).includes('LOGICOPS_TEST_PAUSE_AFTER is set')).toBe(true);

    operator.signal('SIGKILL');
    expect(await operator.exited).toBeNull();

    // Second incarnation, no hook: it finishes from the ledger without writing Azure again.
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
