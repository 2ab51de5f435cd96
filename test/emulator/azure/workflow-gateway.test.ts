// WorkflowGateway and IdentityGateway through the real @azure/arm-logic and @azure/arm-msi
// clients against the emulator.

import { DEMO_RESOURCE_GROUP } from '@logicops/azure-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DesiredWorkflow, isAzureError } from '../../../src/azure/index.ts';
import { type AzureTestbed, armRequestsSince, DEFINITION, lastSeq, startTestbed } from './support.ts';

const RG = DEMO_RESOURCE_GROUP;
let t: AzureTestbed;
beforeAll(async () => {
  t = await startTestbed();
});
afterAll(async () => {
  await t?.close();
});

function desired(overrides: Partial<DesiredWorkflow> = {}): DesiredWorkflow {
  return {
    location: 'westeurope',
    tags: { 'logicops-owner': 'test-cluster/team-a/orders' },
    identity: { type: 'SystemAssigned' },
    state: 'Enabled',
    definition: DEFINITION,
    parameters: { secretUri: { value: 'https://logicops-demo-kv.vault.azure.net/secrets/partner-api-key' } },
    ...overrides,
  };
}

async function expectFailure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAzureError(error)) throw new Error(`expected an AzureError, got ${String(error)}`);
  return error.failure;
}

describe('WorkflowGateway', () => {
  it('creates a workflow with a system-assigned identity and surfaces its principal', async () => {
    const ref = { resourceGroup: RG, name: 'wf-system' };
    const created = await t.gateways.workflows.createOrUpdate(ref, desired());
    expect(created).toMatchObject({
      name: 'wf-system',
      location: 'westeurope',
      state: 'Enabled',
      tags: { 'logicops-owner': 'test-cluster/team-a/orders' },
      identity: { type: 'SystemAssigned', tenantId: t.emu.tenantId },
    });
    expect(created.id.toLowerCase()).toBe(
      `/subscriptions/${t.emu.subscriptionId}/resourcegroups/${RG}/providers/microsoft.logic/workflows/wf-system`,
    );
    expect(created.identity.principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.provisioningState).toBeDefined();
    expect(created.accessEndpoint).toMatch(/^https:\/\//);
    expect(created.parameters.secretUri?.value).toBe(
      'https://logicops-demo-kv.vault.azure.net/secrets/partner-api-key',
    );

    const fetched = await t.gateways.workflows.get(ref);
    expect(fetched?.identity.principalId).toBe(created.identity.principalId);
    expect(fetched?.definition).toMatchObject({ triggers: { manual: { type: 'Request' } } });
  });

  it('a second PUT updates in place and keeps the principal', async () => {
    const ref = { resourceGroup: RG, name: 'wf-update' };
    const first = await t.gateways.workflows.createOrUpdate(ref, desired());
    const second = await t.gateways.workflows.createOrUpdate(ref, desired({ state: 'Disabled' }));
    expect(second.state).toBe('Disabled');
    expect(second.identity.principalId).toBe(first.identity.principalId);
  });

  it('get answers undefined for a workflow that does not exist', async () => {
    await expect(
      t.gateways.workflows.get({ resourceGroup: RG, name: 'never-created' }),
    ).resolves.toBeUndefined();
  });

  it('delete removes the workflow, and deleting it again is done, not an error', async () => {
    const ref = { resourceGroup: RG, name: 'wf-delete' };
    await t.gateways.workflows.createOrUpdate(ref, desired());
    await t.gateways.workflows.delete(ref);
    await expect(t.gateways.workflows.get(ref)).resolves.toBeUndefined();
    await expect(t.gateways.workflows.delete(ref)).resolves.toBeUndefined();
  });

  it('lists a resource group and the subscription (all pages) for quota counting', async () => {
    await t.gateways.workflows.createOrUpdate({ resourceGroup: RG, name: 'wf-list' }, desired());
    const inGroup = await t.gateways.workflows.listByResourceGroup(RG);
    expect(inGroup.map((w) => w.name)).toContain('wf-list');
    expect(inGroup.find((w) => w.name === 'wf-list')?.identity.type).toBe('SystemAssigned');
    const inSubscription = await t.gateways.workflows.listBySubscription();
    expect(inSubscription.length).toBeGreaterThanOrEqual(inGroup.length);
  });

  it('a user-assigned identity is referenced by ARM id and its principal surfaced', async () => {
    const uami = await t.clients.msi.userAssignedIdentities.createOrUpdate(RG, 'wf-uami', {
      location: 'westeurope',
    });
    const identity = await t.gateways.identities.getUserAssigned(uami.id!);
    expect(identity).toEqual({
      id: uami.id,
      name: 'wf-uami',
      location: 'westeurope',
      principalId: uami.principalId,
      clientId: uami.clientId,
      tenantId: t.emu.tenantId,
    });

    const workflow = await t.gateways.workflows.createOrUpdate(
      { resourceGroup: RG, name: 'wf-user-assigned' },
      desired({ identity: { type: 'UserAssigned', userAssignedIdentityId: uami.id! } }),
    );
    expect(workflow.identity).toMatchObject({
      type: 'UserAssigned',
      principalId: uami.principalId,
      clientId: uami.clientId,
    });
    expect(workflow.identity.userAssignedIdentityId?.toLowerCase()).toBe(uami.id!.toLowerCase());
  });

  it('IdentityGateway: a missing identity is undefined; an id of another type is refused before any call', async () => {
    const missing = `/subscriptions/${t.emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/nobody`;
    await expect(t.gateways.identities.getUserAssigned(missing)).resolves.toBeUndefined();
    const since = lastSeq(t.emu);
    await expect(
      t.gateways.identities.getUserAssigned(
        missing.replace('Microsoft.ManagedIdentity/userAssignedIdentities', 'Microsoft.KeyVault/vaults'),
      ),
    ).rejects.toThrow(/not a Microsoft.ManagedIdentity\/userAssignedIdentities/);
    expect(armRequestsSince(t.emu, since)).toEqual([]);
  });

  it('a missing resource group is Stalled ResourceGroupNotFound, on read and on write', async () => {
    const ref = { resourceGroup: 'rg-does-not-exist', name: 'wf' };
    await expect(expectFailure(t.gateways.workflows.get(ref))).resolves.toMatchObject({
      kind: 'stalled',
      reason: 'ResourceGroupNotFound',
      code: 'ResourceGroupNotFound',
    });
    const failure = await expectFailure(t.gateways.workflows.createOrUpdate(ref, desired()));
    expect(failure).toMatchObject({ kind: 'stalled', reason: 'ResourceGroupNotFound' });
    expect(failure.message).toContain("'rg-does-not-exist'");
    expect(failure.message).toMatch(/create it, or correct/);
  });

  it('an invalid definition is Stalled InvalidSpec', async () => {
    const failure = await expectFailure(
      t.gateways.workflows.createOrUpdate(
        { resourceGroup: RG, name: 'wf-invalid' },
        desired({ definition: { $schema: 'https://example.com/not-a-workflow.json', triggers: {} } }),
      ),
    );
    expect(failure).toMatchObject({ kind: 'stalled', reason: 'InvalidSpec', code: 'InvalidTemplate' });
  });
});
