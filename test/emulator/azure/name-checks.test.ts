// The gateways refuse, before any request, every name Azure refuses, through the real SDK
// clients and the emulator over HTTPS: the emulator's request log stays empty. The control at
// the end shows why: the SDK resolves a '..' name as a URL dot-segment and would send the
// request to another path.

import { DEMO_RBAC_VAULT, DEMO_RESOURCE_GROUP } from '@logicops/azure-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidAzureNameError } from '../../../src/azure/index.ts';
import { type AzureTestbed, armRequestsSince, DEFINITION, lastSeq, startTestbed } from './support.ts';

const RG = DEMO_RESOURCE_GROUP;
let t: AzureTestbed;
beforeAll(async () => {
  t = await startTestbed();
});
afterAll(async () => {
  await t?.close();
});

const desired = {
  location: 'westeurope',
  tags: {},
  identity: { type: 'SystemAssigned' as const },
  state: 'Enabled' as const,
  definition: DEFINITION,
  parameters: {},
};
const vaultScope = () =>
  `/subscriptions/${t.emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.KeyVault/vaults/${DEMO_RBAC_VAULT}`;
const PRINCIPAL = '6f1d8b2e-0c3a-4b5d-9e7f-1a2b3c4d5e6f';
const ROLE = '4633458b-17de-408a-b874-0445c86b69e6';

describe('gateways refuse names Azure refuses, and send nothing', () => {
  const cases: Array<[string, () => Promise<unknown>]> = [
    ['workflows.get with ..', () => t.gateways.workflows.get({ resourceGroup: RG, name: '..' })],
    ['workflows.get with .', () => t.gateways.workflows.get({ resourceGroup: RG, name: '.' })],
    [
      'workflows.createOrUpdate with ..',
      () => t.gateways.workflows.createOrUpdate({ resourceGroup: RG, name: '..' }, desired),
    ],
    [
      'workflows.delete with a/../b',
      () => t.gateways.workflows.delete({ resourceGroup: RG, name: 'a/../b' }),
    ],
    [
      'workflows.delete in resource group ..',
      () => t.gateways.workflows.delete({ resourceGroup: '..', name: 'wf' }),
    ],
    ['workflows.listByResourceGroup of ..', () => t.gateways.workflows.listByResourceGroup('..')],
    ['vaults.get with ..', () => t.gateways.vaults.get({ resourceGroup: RG, name: '..' })],
    [
      'vaults.addAccessPolicy on a vault named %2e%2e',
      () =>
        t.gateways.vaults.addAccessPolicy(
          { resourceGroup: RG, name: '%2e%2e' },
          { tenantId: t.emu.tenantId, objectId: PRINCIPAL },
          ['get'],
        ),
    ],
    [
      'vaults.removeAccessPolicy on a vault named kv?x',
      () =>
        t.gateways.vaults.removeAccessPolicy(
          { resourceGroup: RG, name: 'kv?x' },
          { tenantId: t.emu.tenantId, objectId: PRINCIPAL },
          ['get'],
        ),
    ],
    [
      'vaults.secretExists with a secret named ../../x',
      () => t.gateways.vaults.secretExists({ resourceGroup: RG, name: DEMO_RBAC_VAULT }, '../../x'),
    ],
    [
      'identities.getUserAssigned with ..',
      () =>
        t.gateways.identities.getUserAssigned(
          `/subscriptions/${t.emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/..`,
        ),
    ],
    [
      'roleAssignments.create at a secret named ..',
      () =>
        t.gateways.roleAssignments.create({
          scope: `${vaultScope()}/secrets/..`,
          roleDefinitionId: `/subscriptions/${t.emu.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ROLE}`,
          principalId: PRINCIPAL,
          owner: 'c/ns/b',
        }),
    ],
    [
      'roleAssignments.delete at a scope with ?',
      () => t.gateways.roleAssignments.delete(`${vaultScope()}/secrets/x?y`, PRINCIPAL),
    ],
    [
      'roleAssignments.get with a name that is not a GUID',
      () => t.gateways.roleAssignments.get(vaultScope(), '..'),
    ],
    [
      'roleAssignments.listAround at a vault named ..',
      () => t.gateways.roleAssignments.listAround(vaultScope().replace(DEMO_RBAC_VAULT, '..')),
    ],
  ];

  it.each(cases)('%s', async (_name, call) => {
    const seq = lastSeq(t.emu);
    const records = t.records.length;
    await expect(call()).rejects.toBeInstanceOf(InvalidAzureNameError);
    expect(armRequestsSince(t.emu, seq)).toEqual([]);
    expect(t.records.length).toBe(records);
  });
});

describe('why: the SDK itself does not stop a dot-segment name', () => {
  it('sends GET .../workflows/.. to .../providers/Microsoft.Logic instead', async () => {
    const seq = lastSeq(t.emu);
    await t.clients.logic.workflows.get(RG, '..').catch(() => undefined);
    const paths = armRequestsSince(t.emu, seq).map((r) => r.path);
    expect(paths).toHaveLength(1);
    expect(paths[0]).toBe(
      `/subscriptions/${t.emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Logic`,
    );
  });
});
