// The oracle must be able to fail: each planted fault (orphan, duplicate, missing grant,
// wrong owner) is reported, and a converged world yields nothing.

import type { EmulatorState } from '@logicops/azure-emulator';
import { describe, expect, it } from 'vitest';
import {
  armKey,
  judgeAzure,
  type LiveBinding,
  type LiveWorkflow,
  type OracleInput,
  SECRETS_USER_ROLE_GUID,
  workflowIdOf,
} from '../../chaos/oracle/azure-oracle.ts';

const SUB = '00000000-0000-4000-8000-000000000001';
const TENANT = '00000000-0000-4000-8000-0000000000aa';
const RG = `/subscriptions/${SUB}/resourceGroups/rg`;
const AP_VAULT = `${RG}/providers/Microsoft.KeyVault/vaults/ap-kv`;
const RBAC_VAULT = `${RG}/providers/Microsoft.KeyVault/vaults/rbac-kv`;
const UAI = `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shared`;
const ROLE = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${SECRETS_USER_ROLE_GUID}`;
const SEEDED_USER = 'aaaaaaaa-0000-4000-8000-000000000001';
const UAI_PRINCIPAL = 'bbbbbbbb-0000-4000-8000-000000000001';

function workflow(name: string, identity?: LiveWorkflow['spec']['identity']): LiveWorkflow {
  return {
    namespace: 'ns',
    name,
    spec: { subscriptionId: SUB, resourceGroup: 'rg', ...(identity ? { identity } : {}) },
  };
}

function binding(
  name: string,
  workflowName: string,
  vaultId: string,
  extra: Partial<LiveBinding['spec']> = {},
): LiveBinding {
  return {
    namespace: 'ns',
    name,
    spec: { workflowRef: { name: workflowName }, vaultId, secretName: 's1', ...extra },
  };
}

function baselineState(): EmulatorState {
  const vault = (id: string, rbac: boolean) => ({
    id,
    name: id.split('/').pop() ?? '',
    resourceGroup: 'rg',
    location: 'westeurope',
    tags: {},
    properties: { enableRbacAuthorization: rbac },
    accessPolicies: rbac
      ? []
      : [
          {
            tenantId: TENANT,
            objectId: SEEDED_USER,
            permissions: { secrets: ['get', 'set'], keys: ['get'] },
          },
        ],
    createdAt: '',
    updatedAt: '',
    secrets: {},
  });
  return {
    version: 1,
    tenantId: TENANT,
    subscriptionIds: [SUB],
    tenants: {},
    subscriptions: {},
    oidcIssuers: {},
    workflowRuns: {},
    workflowAccessKeys: {},
    runOutcomes: {},
    webConnections: {},
    serviceBusNamespaces: {},
    resourceGroups: {},
    workflows: {},
    vaults: { [armKey(AP_VAULT)]: vault(AP_VAULT, false), [armKey(RBAC_VAULT)]: vault(RBAC_VAULT, true) },
    userAssignedIdentities: {
      [armKey(UAI)]: {
        id: UAI,
        name: 'shared',
        resourceGroup: 'rg',
        location: 'westeurope',
        tags: {},
        principalId: UAI_PRINCIPAL,
        clientId: 'cccccccc-0000-4000-8000-000000000001',
        tenantId: TENANT,
      },
    },
    roleAssignments: {},
    principals: {},
    applications: {},
  };
}

/** A world where w1 (system-assigned) reads from both vaults and w2, w3 share the user-assigned identity. */
function convergedWorld(): OracleInput {
  const workflows = [
    workflow('w1'),
    workflow('w2', { type: 'UserAssigned', userAssignedIdentityId: UAI }),
    workflow('w3', { type: 'UserAssigned', userAssignedIdentityId: UAI }),
  ];
  const bindings = [
    binding('b1', 'w1', AP_VAULT),
    binding('b2', 'w1', RBAC_VAULT),
    binding('b3', 'w2', AP_VAULT, { permissions: ['get', 'list'] }),
    binding('b4', 'w3', AP_VAULT, { secretName: 's2' }),
  ];
  const baseline = baselineState();
  const state = structuredClone(baseline);
  const p1 = 'dddddddd-0000-4000-8000-000000000001';
  for (const w of workflows) {
    const id = workflowIdOf(w);
    state.workflows[armKey(id)] = {
      id,
      name: w.name,
      resourceGroup: 'rg',
      location: 'westeurope',
      tags: { 'logicops-owner': `c1/ns/${w.name}` },
      identity:
        w.name === 'w1'
          ? { type: 'SystemAssigned', principalId: p1, tenantId: TENANT }
          : { type: 'UserAssigned', userAssignedIdentityId: UAI },
      properties: {},
    };
  }
  state.principals[p1] = {
    objectId: p1,
    principalType: 'ServicePrincipal',
    kind: 'SystemAssigned',
    displayName: 'w1',
    resourceId: workflowIdOf(workflows[0] as LiveWorkflow),
    createdAt: '',
  };
  const ap = state.vaults[armKey(AP_VAULT)];
  ap?.accessPolicies.push(
    { tenantId: TENANT, objectId: p1, permissions: { secrets: ['get'] } },
    { tenantId: TENANT, objectId: UAI_PRINCIPAL, permissions: { secrets: ['get', 'list'] } },
  );
  const scope = `${RBAC_VAULT}/secrets/s1`;
  state.roleAssignments[armKey(`${scope}/providers/Microsoft.Authorization/roleAssignments/r1`)] = {
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/r1`,
    name: 'r1',
    scope,
    roleDefinitionId: ROLE,
    principalId: p1,
    principalType: 'ServicePrincipal',
    createdOn: '',
    updatedOn: '',
  };
  return { clusterId: 'c1', workflows, bindings, state, baseline };
}

const kinds = (input: OracleInput) => judgeAzure(input).map((d) => `${d.kind} ${d.thing}`);

describe('the Azure oracle', () => {
  it('finds nothing wrong in a converged world', () => {
    expect(judgeAzure(convergedWorld())).toEqual([]);
  });

  it('reports a planted orphaned access-policy entry', () => {
    const world = convergedWorld();
    world.state.vaults[armKey(AP_VAULT)]?.accessPolicies.push({
      tenantId: TENANT,
      objectId: 'eeeeeeee-0000-4000-8000-000000000001',
      permissions: { secrets: ['get'] },
    });
    expect(kinds(world)).toEqual(['orphan access-policy']);
  });

  it('reports a permission left behind after its binding went', () => {
    const world = convergedWorld();
    world.bindings = world.bindings.filter((b) => b.name !== 'b3'); // w3 still needs get, not list
    expect(judgeAzure(world)).toEqual([
      expect.objectContaining({
        kind: 'orphan',
        thing: 'access-policy',
        detail: expect.stringContaining('[list]'),
      }),
    ]);
  });

  it('reports a missing grant and a removed pre-existing permission', () => {
    const world = convergedWorld();
    const ap = world.state.vaults[armKey(AP_VAULT)];
    if (!ap) throw new Error('fixture');
    ap.accessPolicies = ap.accessPolicies.filter((e) => e.objectId !== UAI_PRINCIPAL);
    const seeded = ap.accessPolicies.find((e) => e.objectId === SEEDED_USER);
    if (seeded) seeded.permissions = { secrets: ['get'], keys: [] };
    // The seeded user's lost `set` and changed keys are foreign changes; the shared identity's grant is missing.
    expect(kinds(world).sort()).toEqual([
      'foreign access-policy',
      'foreign access-policy',
      'missing access-policy',
    ]);
  });

  it('reports duplicate and orphaned role assignments, and a missing one', () => {
    const world = convergedWorld();
    const [key, original] = Object.entries(world.state.roleAssignments)[0] ?? [];
    if (!key || !original) throw new Error('fixture');
    world.state.roleAssignments[`${key}-copy`] = { ...original, name: 'r2' };
    world.state.roleAssignments.other = { ...original, name: 'r3', scope: `${RBAC_VAULT}/secrets/s9` };
    expect(kinds(world).sort()).toEqual(['duplicate role-assignment', 'orphan role-assignment']);
    delete world.state.roleAssignments[key];
    delete world.state.roleAssignments[`${key}-copy`];
    expect(kinds(world).sort()).toEqual(['missing role-assignment', 'orphan role-assignment']);
  });

  it('reports an orphaned workflow with its principal, a missing one and a foreign owner tag', () => {
    const world = convergedWorld();
    world.workflows = world.workflows.filter((w) => w.name !== 'w1');
    world.bindings = world.bindings.filter((b) => b.spec.workflowRef.name !== 'w1');
    // w1's workflow, principal and both grants are still in Azure: everything is an orphan.
    expect(kinds(world).sort()).toEqual([
      'orphan access-policy',
      'orphan identity',
      'orphan role-assignment',
      'orphan workflow',
    ]);
    const fresh = convergedWorld();
    fresh.workflows = [...fresh.workflows, workflow('w4')];
    const w2 = fresh.state.workflows[armKey(workflowIdOf(workflow('w2')))];
    if (w2) w2.tags['logicops-owner'] = 'other-cluster/ns/w2';
    expect(kinds(fresh).sort()).toEqual(['mismatch workflow', 'missing workflow']);
  });

  it('follows the vault for the Auto model and reports a created or deleted user-assigned identity', () => {
    const world = convergedWorld();
    world.bindings = world.bindings.map((b) =>
      b.name === 'b2' ? { ...b, spec: { ...b.spec, accessModel: 'Auto' } } : b,
    );
    expect(judgeAzure(world)).toEqual([]);
    world.bindings = world.bindings.map((b) =>
      b.name === 'b2' ? { ...b, spec: { ...b.spec, accessModel: 'AccessPolicy' } } : b,
    );
    expect(kinds(world).sort()).toEqual(['missing access-policy', 'orphan role-assignment']);
    const other = convergedWorld();
    delete other.state.userAssignedIdentities[armKey(UAI)];
    expect(kinds(other)).toContain('foreign identity');
  });

  it('reports every change to what was there before and no live object claims', () => {
    const foreignId = `${RG}/providers/Microsoft.Logic/workflows/theirs`;
    const foreignPrincipal = 'ffffffff-0000-4000-8000-000000000001';
    const withForeign = () => {
      const world = convergedWorld();
      for (const state of [world.baseline, world.state]) {
        state.workflows[armKey(foreignId)] = {
          id: foreignId,
          name: 'theirs',
          resourceGroup: 'rg',
          location: 'westeurope',
          tags: { 'logicops-owner': 'other-cluster/ns/theirs' },
          identity: { type: 'SystemAssigned', principalId: foreignPrincipal, tenantId: TENANT },
          properties: { state: 'Enabled', version: '1' },
        };
        state.principals[foreignPrincipal] = {
          objectId: foreignPrincipal,
          principalType: 'ServicePrincipal',
          kind: 'SystemAssigned',
          displayName: 'theirs',
          resourceId: foreignId,
          createdAt: '',
        };
      }
      return world;
    };
    expect(judgeAzure(withForeign())).toEqual([]);

    const retagged = withForeign();
    const record = retagged.state.workflows[armKey(foreignId)];
    if (!record) throw new Error('fixture');
    record.tags['logicops-owner'] = 'c1/ns/intruder';
    record.properties.version = '2';
    expect(judgeAzure(retagged)).toEqual([
      expect.objectContaining({
        kind: 'foreign',
        thing: 'workflow',
        detail: expect.stringContaining('changed (tags, properties.version)'),
      }),
    ]);

    const deleted = withForeign();
    delete deleted.state.workflows[armKey(foreignId)];
    delete deleted.state.principals[foreignPrincipal];
    expect(kinds(deleted).sort()).toEqual(['foreign identity', 'foreign workflow']);

    // A live object that claims it may change it (it is then judged as its own).
    const claimed = withForeign();
    claimed.workflows = [...claimed.workflows, workflow('theirs')];
    expect(kinds(claimed)).toEqual(['mismatch workflow']); // its owner tag is not c1/ns/theirs
  });

  it('reports a removed pre-existing permission that a binding also asks for as foreign, not as missing', () => {
    const world = convergedWorld();
    for (const state of [world.baseline, world.state]) {
      const entries = state.vaults[armKey(AP_VAULT)]?.accessPolicies;
      const shared = entries?.find((e) => e.objectId === UAI_PRINCIPAL);
      if (shared) shared.permissions.certificates = ['list'];
      else
        entries?.push({
          tenantId: TENANT,
          objectId: UAI_PRINCIPAL,
          permissions: { secrets: ['get'], certificates: ['list'] },
        });
    }
    expect(judgeAzure(world)).toEqual([]);
    const entry = world.state.vaults[armKey(AP_VAULT)]?.accessPolicies.find(
      (e) => e.objectId === UAI_PRINCIPAL,
    );
    if (!entry) throw new Error('fixture');
    entry.permissions = { secrets: ['list'], certificates: [] };
    expect(
      judgeAzure(world)
        .map((d) => `${d.kind} ${d.detail.split(': ')[1]}`)
        .sort(),
    ).toEqual(['foreign certificates permissions changed', 'foreign pre-existing permissions [get] removed']);
    // After the last binding went, the entry holds exactly what was there before.
    world.bindings = world.bindings.filter((b) => b.name !== 'b3' && b.name !== 'b4');
    entry.permissions = { secrets: ['get'], certificates: ['list'] };
    expect(judgeAzure(world)).toEqual([]);
  });
});
