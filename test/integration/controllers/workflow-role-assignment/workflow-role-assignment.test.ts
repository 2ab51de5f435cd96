// WorkflowRoleAssignment through the whole operator (`logicops run` wiring, in process) against
// the real API server and the Azure emulator over HTTPS: a workflow's system-assigned identity
// granted Azure Service Bus Data Receiver on one queue; drift repaired; deletion revokes exactly
// that assignment; every escalation attempt refused with a reason and no Azure write.
//
// What the emulator and the operator share about Azure, and where it comes from:
// - a role assignment is `PUT {scope}/providers/Microsoft.Authorization/roleAssignments/{GUID}` at
//   any resource scope, with `principalType: ServicePrincipal` for a managed identity ("Assign
//   Azure roles using the REST API", https://learn.microsoft.com/azure/role-based-access-control/role-assignments-rest;
//   azure-rest-api-specs RoleAssignments_CreateForResource.json);
// - Azure Service Bus Data Receiver is role definition 4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0
//   ("Azure built-in roles for Integration", https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/integration).
import { randomUUID } from 'node:crypto';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { DEMO_RESOURCE_GROUP, type Emulator } from '@logicops/azure-emulator';
import { DEFINITION, operatorCredential } from '@logicops/azure-emulator/test-support/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAzureClients } from '../../../../src/azure/index.ts';
import { GROUP, VERSION } from '../../../../src/crds/index.ts';
import {
  ALLOWED_ROLE_SCOPES_ANNOTATION,
  ALLOWED_ROLES_ANNOTATION,
  RECONCILE_REQUEST_ANNOTATION,
} from '../../../../src/vocabulary.ts';
import { eventually } from '../../../support/eventually.ts';
import { adminKubeConfig, kubectl } from '../../support/cluster.ts';
import {
  demoScopePolicy,
  type EmulatorWorld,
  policyAnnotations,
  startEmulatorWorld,
} from '../../support/emulator-world.ts';
import { type InProcessOperator, startInProcessOperator } from '../../support/operator-env.ts';

const RECEIVER_ID = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0';
const SENDER_ID = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39';
/** A role definition that is not built in, as a custom role carrying Microsoft.Authorization write actions would be. */
const CUSTOM_ROLE_ID = randomUUID();

let world: EmulatorWorld;
let operator: InProcessOperator;
let emu: Emulator;
let namespace = '';
let principalId = '';
const custom = adminKubeConfig().makeApiClient(CustomObjectsApi);

const sbNamespace = () =>
  `${world.subscriptionRoot}/resourceGroups/${DEMO_RESOURCE_GROUP}/providers/Microsoft.ServiceBus/namespaces/sb-orders`;
const queue = () => `${sbNamespace()}/queues/orders`;

type Stored = {
  metadata: { name: string; finalizers?: string[]; annotations?: Record<string, string> };
  status?: {
    conditions?: Array<{ type: string; status: string; reason: string; message: string }>;
    identity?: { principalId?: string };
    roleName?: string;
    principalId?: string;
  };
};

async function read(plural: string, name: string): Promise<Stored | undefined> {
  try {
    return (await custom.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural,
      name,
    })) as Stored;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined;
    throw error;
  }
}

async function waitFor(
  plural: string,
  name: string,
  type: 'Ready' | 'Stalled',
  reason: string,
): Promise<Stored> {
  return eventually(async () => {
    const object = await read(plural, name);
    const condition = object?.status?.conditions?.find((c) => c.type === type);
    if (condition?.status !== 'True' && type === 'Stalled') throw new Error(`${name}: not Stalled yet`);
    if (condition?.reason !== reason) {
      throw new Error(
        `${name}: ${type} is ${condition?.reason ?? '(none)'} (${condition?.message ?? ''}), waiting for ${reason}`,
      );
    }
    return object as Stored;
  }, 60_000);
}

function assignment(name: string, spec: { scope?: string; role?: string }) {
  return custom.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: 'workflowroleassignments',
    body: {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'WorkflowRoleAssignment',
      metadata: { name, namespace },
      spec: {
        workflowRef: { name: 'orders-wf' },
        scope: queue(),
        role: 'Azure Service Bus Data Receiver',
        ...spec,
      },
    },
  });
}

/** The emulator's role assignments at exactly `scope`. */
function assignmentsAt(scope: string) {
  return Object.values(emu.state.roleAssignments).filter(
    (a) => a.scope.toLowerCase() === scope.toLowerCase(),
  );
}

beforeAll(async () => {
  world = await startEmulatorWorld({
    namespacePrefixes: ['role-grants'],
    annotations: (root) => ({
      ...policyAnnotations(demoScopePolicy(root)),
      [ALLOWED_ROLE_SCOPES_ANNOTATION]: `${root}/resourceGroups/${DEMO_RESOURCE_GROUP}/providers/Microsoft.ServiceBus/namespaces/sb-orders`,
      // Everything an attacker could hope a careless admin allowed: escalation is refused anyway.
      [ALLOWED_ROLES_ANNOTATION]: [
        'Azure Service Bus Data Receiver',
        'Owner',
        'User Access Administrator',
        'Role Based Access Control Administrator',
        CUSTOM_ROLE_ID,
      ].join(', '),
    }),
  });
  emu = world.emulator;
  [namespace] = world.namespaces as [string];
  operator = await startInProcessOperator(emu, world.namespaces, { instance: namespace });
  await custom.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: 'logicappworkflows',
    body: {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'LogicAppWorkflow',
      metadata: { name: 'orders-wf', namespace },
      spec: {
        subscriptionId: emu.subscriptionId,
        resourceGroup: DEMO_RESOURCE_GROUP,
        location: 'westeurope',
        azureName: `${namespace}-orders`,
        identity: { type: 'SystemAssigned' },
        definition: DEFINITION,
      },
    },
  });
  const workflow = await waitFor('logicappworkflows', 'orders-wf', 'Ready', 'Succeeded');
  principalId = workflow.status?.identity?.principalId ?? '';
  expect(principalId).toMatch(/^[0-9a-f-]{36}$/);
}, 120_000);

afterAll(async () => {
  await operator?.stop();
  await world?.stop();
});

describe('a WorkflowRoleAssignment on a Service Bus queue', () => {
  it('is Ready, and the emulator holds the role at exactly that scope for the workflow principal', async () => {
    await assignment('orders-receiver', {});
    const stored = await waitFor('workflowroleassignments', 'orders-receiver', 'Ready', 'Succeeded');
    expect(stored.status).toMatchObject({ roleName: 'Azure Service Bus Data Receiver', principalId });
    const atQueue = assignmentsAt(queue());
    expect(atQueue).toHaveLength(1);
    expect(atQueue[0]).toMatchObject({ principalId, principalType: 'ServicePrincipal' });
    expect(atQueue[0]?.roleDefinitionId.toLowerCase()).toBe(
      `/subscriptions/${emu.subscriptionId}/providers/microsoft.authorization/roledefinitions/${RECEIVER_ID}`,
    );
    // Nothing at the namespace above it, nor anywhere else for this principal.
    const forPrincipal = Object.values(emu.state.roleAssignments).filter(
      (a) => a.principalId === principalId,
    );
    expect(forPrincipal.map((a) => a.scope.toLowerCase())).toEqual([queue().toLowerCase()]);
  });

  it('repairs an assignment deleted out of band', async () => {
    const [granted] = assignmentsAt(queue());
    const clients = createAzureClients({
      armEndpoint: emu.armEndpoint,
      subscriptionId: emu.subscriptionId,
      credential: operatorCredential(emu),
      maxRetries: 0,
    });
    await clients.authorization.roleAssignments.delete(queue(), granted?.name ?? '');
    expect(assignmentsAt(queue())).toEqual([]);
    await kubectl([
      '-n',
      namespace,
      'annotate',
      '--overwrite',
      'workflowroleassignments/orders-receiver',
      `${RECONCILE_REQUEST_ANNOTATION}=drift-1`,
    ]);
    const restored = await eventually(() => {
      const found = assignmentsAt(queue());
      if (found.length !== 1) throw new Error('not restored yet');
      return found[0];
    }, 30_000);
    expect(restored).toMatchObject({ name: granted?.name, principalId });
  });

  it('refuses every escalation attempt with a reason, and makes no Azure write for it', async () => {
    const mark = emu.requests().at(-1)?.seq ?? 0;
    const attempts: Array<[string, { scope?: string; role?: string }, string, string]> = [
      ['as-owner', { role: 'Owner' }, 'InvalidSpec', 'can change authorization'],
      ['as-uaa', { role: 'User Access Administrator' }, 'InvalidSpec', 'Microsoft.Authorization/*'],
      [
        'as-rbac-admin',
        { role: 'Role Based Access Control Administrator' },
        'InvalidSpec',
        'Microsoft.Authorization/roleAssignments/write',
      ],
      [
        'as-custom',
        {
          role: `/subscriptions/${emu.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${CUSTOM_ROLE_ID}`,
        },
        'InvalidSpec',
        'Custom roles are refused',
      ],
      [
        'outside-scopes',
        {
          scope: `${world.subscriptionRoot}/resourceGroups/${DEMO_RESOURCE_GROUP}/providers/Microsoft.Storage/storageAccounts/other`,
        },
        'NamespacePolicyDenied',
        ALLOWED_ROLE_SCOPES_ANNOTATION,
      ],
      ['outside-roles', { role: SENDER_ID }, 'NamespacePolicyDenied', ALLOWED_ROLES_ANNOTATION],
    ];
    for (const [name, spec] of attempts) await assignment(name, spec);
    for (const [name, , reason, said] of attempts) {
      const stalled = await waitFor('workflowroleassignments', name, 'Stalled', reason);
      expect(stalled.status?.conditions?.find((c) => c.type === 'Stalled')?.message).toContain(said);
    }
    const writes = emu.requests(mark).filter((r) => r.plane === 'arm' && r.method !== 'GET');
    expect(writes).toEqual([]);
    expect(
      Object.values(emu.state.roleAssignments).filter((a) => a.principalId === principalId),
    ).toHaveLength(1);
  });

  it('revokes exactly its assignment when deleted, and leaves another principal at the same scope alone', async () => {
    const clients = createAzureClients({
      armEndpoint: emu.armEndpoint,
      subscriptionId: emu.subscriptionId,
      credential: operatorCredential(emu),
      maxRetries: 0,
    });
    const otherPrincipal = randomUUID();
    await clients.authorization.roleAssignments.create(queue(), randomUUID(), {
      roleDefinitionId: `/subscriptions/${emu.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${RECEIVER_ID}`,
      principalId: otherPrincipal,
      principalType: 'ServicePrincipal',
    });
    const [ours] = assignmentsAt(queue()).filter((a) => a.principalId === principalId);
    const mark = emu.requests().at(-1)?.seq ?? 0;
    await custom.deleteNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: 'workflowroleassignments',
      name: 'orders-receiver',
    });
    await eventually(async () => {
      if (await read('workflowroleassignments', 'orders-receiver')) throw new Error('still there');
    }, 30_000);
    expect(assignmentsAt(queue()).map((a) => a.principalId)).toEqual([otherPrincipal]);
    const deletes = emu.requests(mark).filter((r) => r.plane === 'arm' && r.method === 'DELETE');
    expect(deletes.map((r) => r.path.toLowerCase())).toEqual([
      `${queue()}/providers/Microsoft.Authorization/roleAssignments/${ours?.name}`.toLowerCase(),
    ]);
  });

  it('deleting the workflow waits until its role assignment is revoked (its principal leaves nothing behind)', async () => {
    await assignment('last-grant', {});
    await waitFor('workflowroleassignments', 'last-grant', 'Ready', 'Succeeded');
    const mark = emu.requests().at(-1)?.seq ?? 0;
    await custom.deleteNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: 'logicappworkflows',
      name: 'orders-wf',
    });
    await eventually(async () => {
      if (await read('logicappworkflows', 'orders-wf')) throw new Error('the workflow is still there');
    }, 60_000);
    await waitFor('workflowroleassignments', 'last-grant', 'Ready', 'WaitingForWorkflow');
    expect(Object.values(emu.state.roleAssignments).filter((a) => a.principalId === principalId)).toEqual([]);
    const deletes = emu.requests(mark).filter((r) => r.plane === 'arm' && r.method === 'DELETE');
    const revoked = deletes.findIndex((r) => r.path.toLowerCase().includes('/roleassignments/'));
    const workflowDeleted = deletes.findIndex((r) =>
      r.path.toLowerCase().includes('/microsoft.logic/workflows/'),
    );
    expect(revoked).toBeGreaterThanOrEqual(0);
    expect(workflowDeleted).toBeGreaterThan(revoked);
  });
});
