// Microsoft.Authorization/roleAssignments through @azure/arm-authorization 9.0.0
// (api-version 2022-04-01), at any scope down to one Key Vault secret.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RBAC_VAULT, DEMO_RESOURCE_GROUP, DEMO_SECRET_NAME } from '../src/index.ts';
import {
  admin,
  armError,
  captureRaw,
  fixtureBody,
  type Harness,
  KEY_VAULT_SECRETS_USER,
  READER,
  shapeDifferences,
  startHarness,
} from './support/harness.ts';

let h: Harness;
let principalId: string;
beforeAll(async () => {
  h = await startHarness();
  // A principal that exists in the directory: a user-assigned identity.
  principalId = (
    await h.msi.userAssignedIdentities.createOrUpdate(DEMO_RESOURCE_GROUP, 'ra-identity', {
      location: 'westeurope',
    })
  ).principalId!;
});
afterAll(async () => {
  await h?.emu.close();
});

const subscriptionScope = () => `/subscriptions/${h.emu.subscriptionId}`;
const vaultScope = () =>
  `${subscriptionScope()}/resourceGroups/${DEMO_RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/${DEMO_RBAC_VAULT}`;
const secretScope = (secret = DEMO_SECRET_NAME) => `${vaultScope()}/secrets/${secret}`;
const roleId = (role: string) =>
  `${subscriptionScope()}/providers/Microsoft.Authorization/roleDefinitions/${role}`;

async function assign(
  scope: string,
  principal: string,
  role = KEY_VAULT_SECRETS_USER,
  principalType: 'ServicePrincipal' | 'User' | 'omit' = 'ServicePrincipal',
  name: string = randomUUID(),
) {
  return h.authorization.roleAssignments.create(scope, name, {
    roleDefinitionId: roleId(role),
    principalId: principal,
    ...(principalType === 'omit' ? {} : { principalType }),
    description: 'logicops test',
  });
}

async function listNames(scope: string, filter?: string): Promise<string[]> {
  const names: string[] = [];
  for await (const ra of h.authorization.roleAssignments.listForScope(scope, filter ? { filter } : {}))
    names.push(ra.name!);
  return names;
}

describe('role assignments: create, read, delete', () => {
  it('creates at the scope of one secret (201) in the shape of RoleAssignments_CreateForResource.json', async () => {
    const name = randomUUID();
    const raw = captureRaw();
    const created = await h.authorization.roleAssignments.create(
      secretScope(),
      name,
      {
        roleDefinitionId: roleId(KEY_VAULT_SECRETS_USER),
        principalId,
        principalType: 'ServicePrincipal',
        description: 'granted by logicops',
      },
      raw.options,
    );
    expect(raw.last().status).toBe(201);
    expect(
      shapeDifferences(raw.last().body, fixtureBody('RoleAssignments_CreateForResource.json', '201')),
    ).toEqual([]);
    expect(created).toMatchObject({
      name,
      type: 'Microsoft.Authorization/roleAssignments',
      id: `${secretScope()}/providers/Microsoft.Authorization/roleAssignments/${name}`,
      scope: secretScope(),
      principalId,
      principalType: 'ServicePrincipal',
      roleDefinitionId: roleId(KEY_VAULT_SECRETS_USER),
      description: 'granted by logicops',
    });
    expect(created.createdOn).toBeInstanceOf(Date);

    const raw2 = captureRaw();
    const fetched = await h.authorization.roleAssignments.get(secretScope(), name, raw2.options);
    expect(shapeDifferences(raw2.last().body, fixtureBody('RoleAssignments_Get.json'))).toEqual([]);
    expect(fetched.principalId).toBe(principalId);
  });

  it('accepts the `//subscriptions/...` path the SDK builds from a scope with a leading slash', async () => {
    const created = await assign(secretScope('slashes'), principalId);
    const put = h.emu
      .requests()
      .filter((r) => r.method === 'PUT' && r.path.endsWith(created.name!))
      .at(-1);
    expect(put?.rawPath.startsWith('//subscriptions/')).toBe(true);
    expect(put?.status).toBe(201);
    // Without the leading slash the SDK sends a single slash; both address the same assignment.
    const fetched = await h.authorization.roleAssignments.get(secretScope('slashes').slice(1), created.name!);
    expect(fetched.id).toBe(created.id);
  });

  it('a second create with the same name and content is idempotent (200)', async () => {
    const name = randomUUID();
    await assign(secretScope('idempotent'), principalId, KEY_VAULT_SECRETS_USER, 'ServicePrincipal', name);
    const raw = captureRaw();
    await h.authorization.roleAssignments.create(
      secretScope('idempotent'),
      name,
      { roleDefinitionId: roleId(KEY_VAULT_SECRETS_USER), principalId, principalType: 'ServicePrincipal' },
      raw.options,
    );
    expect(raw.last().status).toBe(200);
  });

  it('409 RoleAssignmentExists for the same scope, role and principal under another name', async () => {
    await assign(secretScope('dup'), principalId);
    await expect(assign(secretScope('dup'), principalId)).rejects.toMatchObject({
      ...armError(409, 'RoleAssignmentExists'),
      message: 'The role assignment already exists.',
    });
    // Another role at the same scope is a different assignment.
    await expect(assign(secretScope('dup'), principalId, READER)).resolves.toBeDefined();
  });

  it('reusing a name for another principal is 400 RoleAssignmentUpdateNotPermitted', async () => {
    const name = randomUUID();
    await assign(secretScope('rename'), principalId, KEY_VAULT_SECRETS_USER, 'ServicePrincipal', name);
    await expect(
      assign(secretScope('rename'), randomUUID(), KEY_VAULT_SECRETS_USER, 'ServicePrincipal', name),
    ).rejects.toMatchObject(armError(400, 'RoleAssignmentUpdateNotPermitted'));
  });

  it('PrincipalNotFound for an unknown principal when principalType is not sent', async () => {
    await expect(
      assign(secretScope('unknown'), randomUUID(), KEY_VAULT_SECRETS_USER, 'omit'),
    ).rejects.toMatchObject({
      ...armError(400, 'PrincipalNotFound'),
      message: expect.stringMatching(/does not exist in the directory/),
    });
  });

  it('PrincipalNotFound for an unknown principal with principalType User (the directory is still checked)', async () => {
    await expect(
      assign(secretScope('unknown'), randomUUID(), KEY_VAULT_SECRETS_USER, 'User'),
    ).rejects.toMatchObject(armError(400, 'PrincipalNotFound'));
  });

  it('an unknown principal is accepted with principalType ServicePrincipal (Azure skips the lookup)', async () => {
    const unknown = randomUUID();
    const created = await assign(secretScope('unknown'), unknown, KEY_VAULT_SECRETS_USER, 'ServicePrincipal');
    expect(created.principalId).toBe(unknown);
  });

  it('a known principal without principalType takes the directory’s type', async () => {
    const created = await assign(secretScope('typed'), principalId, KEY_VAULT_SECRETS_USER, 'omit');
    expect(created.principalType).toBe('ServicePrincipal');
    const user = await admin(h.emu, 'POST', '/principals', { principalType: 'User', displayName: 'Ada' });
    const forUser = await assign(
      secretScope('typed'),
      (user.body as { objectId: string }).objectId,
      READER,
      'omit',
    );
    expect(forUser.principalType).toBe('User');
  });

  it('an unknown role definition is 400 RoleDefinitionDoesNotExist; a non-GUID name is 400 InvalidRoleAssignmentId', async () => {
    await expect(assign(secretScope(), principalId, randomUUID())).rejects.toMatchObject(
      armError(400, 'RoleDefinitionDoesNotExist'),
    );
    await expect(
      assign(secretScope(), principalId, KEY_VAULT_SECRETS_USER, 'ServicePrincipal', 'not-a-guid'),
    ).rejects.toMatchObject(armError(400, 'InvalidRoleAssignmentId'));
  });

  it('GET of a missing assignment is 404 RoleAssignmentNotFound', async () => {
    await expect(h.authorization.roleAssignments.get(secretScope(), randomUUID())).rejects.toMatchObject(
      armError(404, 'RoleAssignmentNotFound'),
    );
  });

  it('DELETE answers 200 with the deleted assignment (RoleAssignments_Delete.json), then 204', async () => {
    const created = await assign(secretScope('delete-me'), principalId);
    const raw = captureRaw();
    const deleted = await h.authorization.roleAssignments.delete(
      secretScope('delete-me'),
      created.name!,
      raw.options,
    );
    expect(raw.last().status).toBe(200);
    expect(shapeDifferences(raw.last().body, fixtureBody('RoleAssignments_Delete.json'))).toEqual([]);
    expect(deleted.id).toBe(created.id);
    await h.authorization.roleAssignments.delete(secretScope('delete-me'), created.name!, raw.options);
    expect(raw.last().status).toBe(204);
  });
});

describe('role assignments: listing with $filter', () => {
  let principal: string;
  let atSubscription: string;
  let atVault: string;
  let atSecret: string;
  let otherPrincipalAtSecret: string;
  beforeAll(async () => {
    principal = randomUUID();
    atSubscription = (await assign(subscriptionScope(), principal, READER)).name!;
    atVault = (await assign(vaultScope(), principal)).name!;
    atSecret = (await assign(secretScope('listed'), principal)).name!;
    otherPrincipalAtSecret = (await assign(secretScope('listed'), randomUUID())).name!;
  });

  it('no filter returns assignments at, above and below the scope (a vault listing shows its secrets), not beside it', async () => {
    const elsewhere = (await assign(`${vaultScope()}-other/secrets/listed`, principal)).name!;
    const names = await listNames(vaultScope());
    expect(names).toEqual(
      expect.arrayContaining([atSubscription, atVault, atSecret, otherPrincipalAtSecret]),
    );
    expect(names).not.toContain(elsewhere);
  });

  it('atScope() returns assignments at or above the scope, not below', async () => {
    const atVaultScope = await listNames(vaultScope(), 'atScope()');
    expect(atVaultScope).toEqual(expect.arrayContaining([atSubscription, atVault]));
    expect(atVaultScope).not.toContain(atSecret);
    const atSecretScope = await listNames(secretScope('listed'), 'atScope()');
    expect(atSecretScope).toEqual(
      expect.arrayContaining([atSubscription, atVault, atSecret, otherPrincipalAtSecret]),
    );
  });

  it("principalId eq '…' returns that principal's assignments at, above and below the scope", async () => {
    const names = await listNames(vaultScope(), `principalId eq '${principal}'`);
    expect(names.sort()).toEqual([atSubscription, atVault, atSecret].sort());
  });

  it('atScope() and principalId eq combine', async () => {
    expect(
      (await listNames(secretScope('listed'), `atScope() and principalId eq '${principal}'`)).sort(),
    ).toEqual([atSubscription, atVault, atSecret].sort());
  });

  it('an unfiltered list has the shape of RoleAssignments_ListForScope.json (which is unfiltered)', async () => {
    const raw = captureRaw();
    for await (const _ of h.authorization.roleAssignments.listForScope(vaultScope(), raw.options)) {
      // drain
    }
    expect(
      shapeDifferences(raw.responses[0]!.body, fixtureBody('RoleAssignments_ListForScope.json')),
    ).toEqual([]);
  });

  it('list items have the shape of RoleAssignments_ListForScope.json', async () => {
    const raw = captureRaw();
    for await (const _ of h.authorization.roleAssignments.listForScope(secretScope('listed'), {
      filter: 'atScope()',
      ...raw.options,
    })) {
      // drain
    }
    expect(
      shapeDifferences(raw.responses[0]!.body, fixtureBody('RoleAssignments_ListForScope.json')),
    ).toEqual([]);
  });
});
