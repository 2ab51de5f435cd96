// The binding controller against a real API server and the emulator over HTTPS, through the
// real SDK clients. Each test uses its own workflow, so its own principal: entries and
// assignments of one test never meet another's.
import { randomUUID } from 'node:crypto';
import {
  DEMO_ACCESS_POLICY_VAULT,
  DEMO_RBAC_VAULT,
  DEMO_RESOURCE_GROUP,
  DEMO_SECRET_NAME,
} from '@logicops/azure-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KEY_VAULT_SECRETS_USER_ROLE_ID,
  roleAssignmentName,
  roleDefinitionResourceId,
} from '../../../../src/azure/index.ts';
import type { VaultSecretBinding } from '../../../../src/crds/index.ts';
import { computeKstatus } from '../../../../src/runtime/index.ts';
import { eventually } from '../../../support/eventually.ts';
import { deleteTestNamespace } from '../../support/cluster.ts';
import { type BindingOperator, startBindingOperator } from './operator.ts';

const WAIT = 30_000;
let op: BindingOperator;

beforeAll(async () => {
  op = await startBindingOperator('vsb');
});

afterAll(async () => {
  await op?.stop();
  if (op) await deleteTestNamespace(op.namespace);
});

const condition = (binding: VaultSecretBinding, type: string) =>
  binding.status?.conditions?.find((c) => c.type === type);

/**
 * The principal's secret permissions in a vault, read through the SDK, in lower case: Key Vault
 * returns its own spelling (`Get`), which logicops treats as `get`.
 */
async function entryOf(vault: string, principalId: string): Promise<string[] | undefined> {
  const found = await op.clients.keyVault.vaults.get(DEMO_RESOURCE_GROUP, vault);
  const entry = found.properties.accessPolicies?.find((p) => p.objectId === principalId);
  return entry ? (entry.permissions.secrets ?? []).map((p) => p.toLowerCase()).sort() : undefined;
}

async function addPermissionsAsHuman(vault: string, principalId: string, secrets: string[]): Promise<void> {
  await op.clients.keyVault.vaults.updateAccessPolicy(DEMO_RESOURCE_GROUP, vault, 'add', {
    properties: {
      accessPolicies: [{ tenantId: op.emu.tenantId, objectId: principalId, permissions: { secrets } }],
    },
  });
}

async function waitReady(name: string): Promise<VaultSecretBinding> {
  return eventually(async () => {
    const binding = await op.readBinding(name);
    expect(computeKstatus(binding)).toBe('Current');
    expect(condition(binding, 'Ready')?.status).toBe('True');
    return binding;
  }, WAIT);
}

async function waitGone(name: string): Promise<void> {
  await eventually(async () => expect(await op.bindingGone(name)).toBe(true), WAIT);
}

async function waitReason(name: string, type: 'Reconciling' | 'Stalled', reason: string) {
  return eventually(async () => {
    const binding = await op.readBinding(name);
    expect(condition(binding, type)).toMatchObject({ status: 'True', reason });
    return binding;
  }, WAIT);
}

describe('access-policy mode', () => {
  it('grants exactly the permissions asked for and records the grant in status', async () => {
    const { principalId } = await op.createWorkflow('wf-ap');
    await op.createBinding('ap', {
      workflowRef: { name: 'wf-ap' },
      vaultId: op.vaultId(DEMO_ACCESS_POLICY_VAULT),
      permissions: ['get'],
    });
    const binding = await waitReady('ap');
    expect(await entryOf(DEMO_ACCESS_POLICY_VAULT, principalId)).toEqual(['get']);
    expect(binding.metadata.finalizers).toContain('logicops.io/finalizer');
    expect(binding.status).toMatchObject({
      observedGeneration: 1,
      accessModel: 'AccessPolicy',
      scope: 'Vault',
      principalId,
      secretUri: `https://${DEMO_ACCESS_POLICY_VAULT}.vault.azure.net/secrets/${DEMO_SECRET_NAME}`,
      grant: {
        phase: 'Granted',
        principalId,
        accessModel: 'AccessPolicy',
        permissionsAdded: ['get'],
        permissionsPreExisting: [],
      },
    });
    expect(condition(binding, 'QuotaAvailable')).toMatchObject({ status: 'True', reason: 'WithinLimit' });
    expect(binding.status?.quota?.[0]).toMatchObject({ name: 'AccessPoliciesPerVault', limit: 1024 });
  });

  it('restores an access policy removed out of band after a reconcile request', async () => {
    const binding = await op.readBinding('ap');
    const principalId = binding.status?.grant?.principalId ?? '';
    await op.clients.keyVault.vaults.updateAccessPolicy(
      DEMO_RESOURCE_GROUP,
      DEMO_ACCESS_POLICY_VAULT,
      'remove',
      {
        properties: {
          // As Key Vault spells it: a remove in another casing is a silent no-op.
          accessPolicies: [
            { tenantId: op.emu.tenantId, objectId: principalId, permissions: { secrets: ['Get'] } },
          ],
        },
      },
    );
    expect(await entryOf(DEMO_ACCESS_POLICY_VAULT, principalId)).toBeUndefined();
    await op.annotateBinding('ap', { 'logicops.io/reconcile-request': 'drift-1' });
    await eventually(async () => {
      expect(await entryOf(DEMO_ACCESS_POLICY_VAULT, principalId)).toEqual(['get']);
      expect((await op.readBinding('ap')).status?.lastHandledReconcileRequest).toBe('drift-1');
    }, WAIT);
  });

  it('keeps permissions that were there before on revoke', async () => {
    const { principalId } = await op.createWorkflow('wf-pre');
    await addPermissionsAsHuman(DEMO_ACCESS_POLICY_VAULT, principalId, ['get']);
    await op.createBinding('pre', {
      workflowRef: { name: 'wf-pre' },
      vaultId: op.vaultId(DEMO_ACCESS_POLICY_VAULT),
      permissions: ['get', 'list'],
    });
    const binding = await waitReady('pre');
    expect(binding.status?.grant).toMatchObject({
      permissionsAdded: ['list'],
      permissionsPreExisting: ['get'],
    });
    expect(await entryOf(DEMO_ACCESS_POLICY_VAULT, principalId)).toEqual(['get', 'list']);
    await op.deleteBinding('pre');
    await waitGone('pre');
    expect(await entryOf(DEMO_ACCESS_POLICY_VAULT, principalId)).toEqual(['get']);
  });

  it('shares one entry between two bindings: deleting one keeps what the other needs', async () => {
    const { principalId } = await op.createWorkflow('wf-shared');
    const spec = { workflowRef: { name: 'wf-shared' }, vaultId: op.vaultId(DEMO_ACCESS_POLICY_VAULT) };
    await op.createBinding('shared-get', { ...spec, permissions: ['get'] });
    await op.createBinding('shared-list', { ...spec, permissions: ['get', 'list'] });
    await waitReady('shared-get');
    await waitReady('shared-list');
    expect(await entryOf(DEMO_ACCESS_POLICY_VAULT, principalId)).toEqual(['get', 'list']);
    await op.deleteBinding('shared-list');
    await waitGone('shared-list');
    expect(await entryOf(DEMO_ACCESS_POLICY_VAULT, principalId)).toEqual(['get']);
    await op.deleteBinding('shared-get');
    await waitGone('shared-get');
    expect(await entryOf(DEMO_ACCESS_POLICY_VAULT, principalId)).toBeUndefined();
  });

  it('leaves the grant in Azure with deletionPolicy Orphan', async () => {
    const { principalId } = await op.createWorkflow('wf-orphan');
    await op.createBinding('orphan', {
      workflowRef: { name: 'wf-orphan' },
      vaultId: op.vaultId(DEMO_ACCESS_POLICY_VAULT),
      deletionPolicy: 'Orphan',
    });
    await waitReady('orphan');
    await op.deleteBinding('orphan');
    await waitGone('orphan');
    expect(await entryOf(DEMO_ACCESS_POLICY_VAULT, principalId)).toEqual(['get']);
  });

  it('revokes and waits when its workflow is being deleted', async () => {
    const { principalId } = await op.createWorkflow('wf-going');
    await op.createBinding('going', {
      workflowRef: { name: 'wf-going' },
      vaultId: op.vaultId(DEMO_ACCESS_POLICY_VAULT),
    });
    await waitReady('going');
    await op.deleteWorkflow('wf-going');
    const binding = await waitReason('going', 'Reconciling', 'WaitingForWorkflow');
    expect(binding.status?.grant).toBeUndefined();
    expect(await entryOf(DEMO_ACCESS_POLICY_VAULT, principalId)).toBeUndefined();
  });
});

describe('RBAC mode', () => {
  const secretScope = (vault: string) => `${op.vaultId(vault)}/secrets/${DEMO_SECRET_NAME}`;
  const roleId = () => roleDefinitionResourceId(op.emu.subscriptionId, KEY_VAULT_SECRETS_USER_ROLE_ID);

  it('assigns Key Vault Secrets User on the one secret under the deterministic name', async () => {
    const { principalId } = await op.createWorkflow('wf-rbac');
    await op.createBinding('rbac', {
      workflowRef: { name: 'wf-rbac' },
      vaultId: op.vaultId(DEMO_RBAC_VAULT),
    });
    const binding = await waitReady('rbac');
    const name = roleAssignmentName(secretScope(DEMO_RBAC_VAULT), roleId(), principalId);
    const assignment = await op.clients.authorization.roleAssignments.get(secretScope(DEMO_RBAC_VAULT), name);
    expect(assignment).toMatchObject({ principalId, principalType: 'ServicePrincipal' });
    expect(assignment.roleDefinitionId?.toLowerCase()).toContain(KEY_VAULT_SECRETS_USER_ROLE_ID);
    expect(assignment.description).toMatch(/^managed by logicops: /);
    expect(binding.status).toMatchObject({
      accessModel: 'RBAC',
      scope: 'Secret',
      grant: {
        phase: 'Granted',
        roleAssignmentName: name,
        roleAssignmentScope: secretScope(DEMO_RBAC_VAULT),
      },
    });
    await op.deleteBinding('rbac');
    await waitGone('rbac');
    await expect(
      op.clients.authorization.roleAssignments.get(secretScope(DEMO_RBAC_VAULT), name),
    ).rejects.toMatchObject({ statusCode: 404 });
  });

  it('uses an assignment that exists under another name and never deletes it', async () => {
    const { principalId } = await op.createWorkflow('wf-theirs');
    const theirs = randomUUID();
    await op.clients.authorization.roleAssignments.create(secretScope(DEMO_RBAC_VAULT), theirs, {
      roleDefinitionId: roleId(),
      principalId,
      principalType: 'ServicePrincipal',
    });
    await op.createBinding('theirs', {
      workflowRef: { name: 'wf-theirs' },
      vaultId: op.vaultId(DEMO_RBAC_VAULT),
    });
    const binding = await waitReady('theirs');
    expect(binding.status?.grant?.roleAssignmentName).toBe(theirs);
    await op.deleteBinding('theirs');
    await waitGone('theirs');
    const still = await op.clients.authorization.roleAssignments.get(secretScope(DEMO_RBAC_VAULT), theirs);
    expect(still.principalId).toBe(principalId);
  });
});

describe('waiting, policy and migration', () => {
  it('waits for the workflow while it does not exist', async () => {
    await op.createBinding('no-workflow', {
      workflowRef: { name: 'wf-missing' },
      vaultId: op.vaultId(DEMO_ACCESS_POLICY_VAULT),
    });
    const binding = await waitReason('no-workflow', 'Reconciling', 'WaitingForWorkflow');
    expect(computeKstatus(binding)).toBe('InProgress');
    expect(binding.status?.conditions?.find((c) => c.type === 'Ready')?.message).toContain(
      'LogicAppWorkflow wf-missing does not exist (yet)',
    );
  });

  it('waits for a secret that does not exist yet, and grants once it is seeded', async () => {
    const { principalId } = await op.createWorkflow('wf-later');
    await op.createBinding('later', {
      workflowRef: { name: 'wf-later' },
      vaultId: op.vaultId(DEMO_ACCESS_POLICY_VAULT),
      secretName: 'arrives-later',
    });
    await waitReason('later', 'Reconciling', 'WaitingForSecret');
    expect(await entryOf(DEMO_ACCESS_POLICY_VAULT, principalId)).toBeUndefined();
    op.emu.seedSecret(DEMO_ACCESS_POLICY_VAULT, 'arrives-later', 'not-a-real-value');
    await waitReady('later');
    expect(await entryOf(DEMO_ACCESS_POLICY_VAULT, principalId)).toEqual(['get']);
  });

  it('stalls with NamespacePolicyDenied for a vault the namespace may not use', async () => {
    await op.createWorkflow('wf-denied');
    await op.createBinding('denied', {
      workflowRef: { name: 'wf-denied' },
      vaultId: `/subscriptions/${op.emu.subscriptionId}/resourceGroups/other-team/providers/Microsoft.KeyVault/vaults/their-kv`,
    });
    const binding = await waitReason('denied', 'Stalled', 'NamespacePolicyDenied');
    expect(computeKstatus(binding)).toBe('Failed');
    expect(binding.status?.grant).toBeUndefined();
  });

  it('migrates the grant when the vault switches to RBAC', async () => {
    const vault = `mig-${randomUUID().slice(0, 8)}`;
    const properties = {
      tenantId: op.emu.tenantId,
      sku: { family: 'A' as const, name: 'standard' as const },
    };
    await op.clients.keyVault.vaults
      .createOrUpdate(DEMO_RESOURCE_GROUP, vault, {
        location: 'westeurope',
        properties: { ...properties, enableRbacAuthorization: false, accessPolicies: [] },
      })
      .pollUntilDone();
    op.emu.seedSecret(vault, DEMO_SECRET_NAME, 'not-a-real-value');
    const { principalId } = await op.createWorkflow('wf-mig');
    await op.createBinding('mig', { workflowRef: { name: 'wf-mig' }, vaultId: op.vaultId(vault) });
    await waitReady('mig');
    expect(await entryOf(vault, principalId)).toEqual(['get']);

    // A redeploy of the vault in RBAC mode (a PUT also wipes its access policies).
    await op.clients.keyVault.vaults
      .createOrUpdate(DEMO_RESOURCE_GROUP, vault, {
        location: 'westeurope',
        properties: { ...properties, enableRbacAuthorization: true, accessPolicies: [] },
      })
      .pollUntilDone();
    await op.annotateBinding('mig', { 'logicops.io/reconcile-request': 'switched' });
    const migrated = await eventually(async () => {
      const binding = await op.readBinding('mig');
      expect(binding.status?.grant).toMatchObject({ phase: 'Granted', accessModel: 'RBAC' });
      expect(binding.status?.scope).toBe('Secret');
      return binding;
    }, WAIT);
    const name = migrated.status?.grant?.roleAssignmentName ?? '';
    const scope = `${op.vaultId(vault)}/secrets/${DEMO_SECRET_NAME}`;
    expect((await op.clients.authorization.roleAssignments.get(scope, name)).principalId).toBe(principalId);
    expect(migrated.status?.grant?.permissionsAdded).toBeUndefined();
  });
});
