// Microsoft.Authorization/permissions and the subscriptions list, through the real
// @azure/arm-authorization client: what `logicops doctor` reads to learn the identity's Azure
// rights. Wire shape: Azure/azure-rest-api-specs, specification/authorization/resource-manager/
// Microsoft.Authorization/stable/2022-04-01/authorization-RoleDefinitionsCalls.json
// (Permissions_ListForResourceGroup, Permissions_ListForResource: {value: Permission[]}) and
// .../Microsoft.Resources/stable/2022-12-01/subscriptions.json (Subscriptions_List). A role
// assignment applies at its scope and every scope below it
// (https://learn.microsoft.com/azure/role-based-access-control/scope-overview); the permissions
// are the built-in roles' as Microsoft publishes them
// (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/general).
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEMO_ACCESS_POLICY_VAULT,
  DEMO_OPERATOR_OBJECT_ID,
  DEMO_RESOURCE_GROUP,
  DEMO_SUBSCRIPTION_ID,
  demoOperatorRoleAssignments,
  demoSeed,
} from '../src/index.ts';
import { type Harness, startHarness } from './support/harness.ts';

const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const KEY_VAULT_READER = '21090545-7ca7-4776-b22c-e363652d74d2';

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of pages) items.push(item);
  return items;
}

describe('Microsoft.Authorization/permissions', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.emu.close();
    harness = undefined;
  });

  it('answers an identity without role assignments with no permissions, and no subscription', async () => {
    harness = await startHarness();
    expect(
      await collect(harness.authorization.permissions.listForResourceGroup(DEMO_RESOURCE_GROUP)),
    ).toEqual([]);
    const subscriptions = await harness.arm('GET', '/subscriptions?api-version=2022-12-01');
    expect(subscriptions).toMatchObject({ status: 200, body: { value: [] } });
  });

  it('lists the permissions of each role assigned at the scope or above it, for the caller only', async () => {
    const vaultScope = `/subscriptions/${DEMO_SUBSCRIPTION_ID}/resourceGroups/${DEMO_RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/${DEMO_ACCESS_POLICY_VAULT}`;
    harness = await startHarness({
      seed: {
        ...demoSeed(),
        roleAssignments: [
          ...demoOperatorRoleAssignments(),
          // At the vault only: not visible at the resource group.
          {
            scope: vaultScope,
            roleDefinitionId: KEY_VAULT_READER,
            principalId: DEMO_OPERATOR_OBJECT_ID,
            principalType: 'ServicePrincipal',
          },
          // Someone else's role is not the caller's.
          {
            scope: `/subscriptions/${DEMO_SUBSCRIPTION_ID}`,
            roleDefinitionId: CONTRIBUTOR,
            principalId: '11111111-2222-3333-4444-555555555555',
            principalType: 'User',
          },
        ],
      },
    });
    const atGroup = await collect(
      harness.authorization.permissions.listForResourceGroup(DEMO_RESOURCE_GROUP),
    );
    expect(atGroup).toHaveLength(2);
    expect(atGroup).toContainEqual({
      actions: ['*'],
      notActions: expect.arrayContaining([
        'Microsoft.Authorization/*/Delete',
        'Microsoft.Authorization/*/Write',
      ]),
      dataActions: [],
      notDataActions: [],
    });
    expect(atGroup).toContainEqual(
      expect.objectContaining({
        actions: expect.arrayContaining([
          'Microsoft.Authorization/roleAssignments/write',
          'Microsoft.Authorization/roleAssignments/delete',
        ]),
      }),
    );
    const atVault = await collect(
      harness.authorization.permissions.listForResource(
        DEMO_RESOURCE_GROUP,
        'Microsoft.KeyVault',
        '',
        'vaults',
        DEMO_ACCESS_POLICY_VAULT,
      ),
    );
    expect(atVault).toHaveLength(3);
    expect(atVault).toContainEqual(
      expect.objectContaining({
        dataActions: expect.arrayContaining(['Microsoft.KeyVault/vaults/secrets/readMetadata/action']),
      }),
    );
    const subscriptions = await harness.arm('GET', '/subscriptions?api-version=2022-12-01');
    expect(subscriptions).toMatchObject({
      status: 200,
      body: {
        value: [
          {
            id: `/subscriptions/${DEMO_SUBSCRIPTION_ID}`,
            subscriptionId: DEMO_SUBSCRIPTION_ID,
            state: 'Enabled',
          },
        ],
      },
    });
  });

  it('answers a missing resource group with 404 ResourceGroupNotFound, as ARM does before the provider', async () => {
    harness = await startHarness({ seed: { ...demoSeed(), roleAssignments: demoOperatorRoleAssignments() } });
    await expect(
      collect(harness.authorization.permissions.listForResourceGroup('no-such-group')),
    ).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceGroupNotFound',
    });
  });
});
