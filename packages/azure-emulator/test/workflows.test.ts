// Microsoft.Logic/workflows through @azure/arm-logic 8.2.0 (api-version 2019-05-01).
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RESOURCE_GROUP } from '../src/index.ts';
import {
  armError,
  captureRaw,
  DEFINITION,
  fixtureBody,
  type Harness,
  shapeDifferences,
  startHarness,
} from './support/harness.ts';

const RG = DEMO_RESOURCE_GROUP;
let h: Harness;
beforeAll(async () => {
  // A small page size so the SDK has to follow nextLink.
  h = await startHarness({ pageSize: 2 });
});
afterAll(async () => {
  await h?.emu.close();
});

const principals = () => h.emu.state.principals;

/** Properties a workflow only has when the caller configured them (integration accounts). */
const NOT_CONFIGURED = [
  'properties.integrationAccount',
  'properties.integrationServiceEnvironment',
  'properties.accessControl',
];

describe('workflows: create, read, update', () => {
  it('creates with 201 and answers in the shape of Workflows_Get.json (envelope, read-only properties)', async () => {
    const raw = captureRaw();
    const created = await h.logic.workflows.createOrUpdate(
      RG,
      'wf-shape',
      {
        location: 'westeurope',
        tags: { team: 'payments' },
        state: 'Enabled',
        definition: DEFINITION,
        identity: { type: 'SystemAssigned' },
      },
      raw.options,
    );
    expect(raw.last().status).toBe(201);
    expect(shapeDifferences(raw.last().body, fixtureBody('Workflows_Get.json'), NOT_CONFIGURED)).toEqual([]);
    expect(created).toMatchObject({
      name: 'wf-shape',
      type: 'Microsoft.Logic/workflows',
      location: 'westeurope',
      tags: { team: 'payments' },
      provisioningState: 'Succeeded',
      state: 'Enabled',
    });
    expect(created.id).toBe(
      `/subscriptions/${h.emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Logic/workflows/wf-shape`,
    );
    expect(created.version).toMatch(/^\d{20}$/);
    expect(created.accessEndpoint).toMatch(/^https:\/\//);

    const fetched = await h.logic.workflows.get(RG, 'wf-shape');
    expect(fetched.definition).toEqual(DEFINITION);
  });

  it('gives a SystemAssigned identity a new principalId and tenantId, kept across updates', async () => {
    const first = await h.logic.workflows.createOrUpdate(RG, 'wf-system', {
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
      definition: DEFINITION,
    });
    const principalId = first.identity?.principalId;
    expect(principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.identity?.tenantId).toBe(h.emu.tenantId);
    expect(principals()[principalId!]).toMatchObject({
      kind: 'SystemAssigned',
      principalType: 'ServicePrincipal',
    });

    const raw = captureRaw();
    const second = await h.logic.workflows.createOrUpdate(
      RG,
      'wf-system',
      {
        location: 'westeurope',
        identity: { type: 'SystemAssigned' },
        definition: DEFINITION,
        tags: { v: '2' },
      },
      raw.options,
    );
    expect(raw.last().status).toBe(200);
    expect(second.identity?.principalId).toBe(principalId);
    expect(second.tags).toEqual({ v: '2' });
    expect(second.version).not.toBe(first.version);
    expect(second.createdTime).toEqual(first.createdTime);
  });

  it('identity None deletes the system-assigned principal', async () => {
    const withIdentity = await h.logic.workflows.createOrUpdate(RG, 'wf-none', {
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
      definition: DEFINITION,
    });
    const principalId = withIdentity.identity!.principalId!;
    expect(principals()[principalId]).toBeDefined();
    const without = await h.logic.workflows.createOrUpdate(RG, 'wf-none', {
      location: 'westeurope',
      identity: { type: 'None' },
      definition: DEFINITION,
    });
    expect(without.identity).toBeUndefined();
    expect(principals()[principalId]).toBeUndefined();
    // A new SystemAssigned identity is a new principal.
    const again = await h.logic.workflows.createOrUpdate(RG, 'wf-none', {
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
      definition: DEFINITION,
    });
    expect(again.identity?.principalId).not.toBe(principalId);
  });

  it('deleting the workflow deletes its system-assigned principal; a second delete is a no-op (204)', async () => {
    const created = await h.logic.workflows.createOrUpdate(RG, 'wf-delete', {
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
      definition: DEFINITION,
    });
    const raw = captureRaw();
    await h.logic.workflows.delete(RG, 'wf-delete', raw.options);
    expect(raw.last().status).toBe(200);
    expect(principals()[created.identity!.principalId!]).toBeUndefined();
    await expect(h.logic.workflows.get(RG, 'wf-delete')).rejects.toMatchObject(
      armError(404, 'ResourceNotFound'),
    );
    await h.logic.workflows.delete(RG, 'wf-delete', raw.options);
    expect(raw.last().status).toBe(204);
  });

  it('references one existing UserAssigned identity and reports its principalId and clientId', async () => {
    const uami = await h.msi.userAssignedIdentities.createOrUpdate(RG, 'wf-uami', { location: 'westeurope' });
    const workflow = await h.logic.workflows.createOrUpdate(RG, 'wf-user-assigned', {
      location: 'westeurope',
      identity: { type: 'UserAssigned', userAssignedIdentities: { [uami.id!]: {} } },
      definition: DEFINITION,
    });
    expect(workflow.identity?.type).toBe('UserAssigned');
    expect(workflow.identity?.userAssignedIdentities?.[uami.id!]).toEqual({
      principalId: uami.principalId,
      clientId: uami.clientId,
    });
    // Switching away from a user-assigned identity leaves the identity itself alone.
    await h.logic.workflows.createOrUpdate(RG, 'wf-user-assigned', {
      location: 'westeurope',
      identity: { type: 'None' },
      definition: DEFINITION,
    });
    expect(principals()[uami.principalId!]).toBeDefined();
  });

  it('refuses a UserAssigned identity that does not exist', async () => {
    const missing = `/subscriptions/${h.emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/nope`;
    await expect(
      h.logic.workflows.createOrUpdate(RG, 'wf-missing-uami', {
        location: 'westeurope',
        identity: { type: 'UserAssigned', userAssignedIdentities: { [missing]: {} } },
        definition: DEFINITION,
      }),
    ).rejects.toMatchObject(armError(400, 'FailedIdentityOperation'));
  });

  it('refuses two user-assigned identities (Consumption allows one)', async () => {
    const a = await h.msi.userAssignedIdentities.createOrUpdate(RG, 'two-a', { location: 'westeurope' });
    const b = await h.msi.userAssignedIdentities.createOrUpdate(RG, 'two-b', { location: 'westeurope' });
    await expect(
      h.logic.workflows.createOrUpdate(RG, 'wf-two-uami', {
        location: 'westeurope',
        identity: { type: 'UserAssigned', userAssignedIdentities: { [a.id!]: {}, [b.id!]: {} } },
        definition: DEFINITION,
      }),
    ).rejects.toMatchObject(armError(400, 'InvalidIdentity'));
  });

  it('PATCH (workflows.update, no body) answers 200 with the workflow unchanged', async () => {
    const created = await h.logic.workflows.createOrUpdate(RG, 'wf-patch', {
      location: 'westeurope',
      tags: { keep: 'me' },
      definition: DEFINITION,
    });
    const raw = captureRaw();
    const patched = await h.logic.workflows.update(RG, 'wf-patch', raw.options);
    expect(raw.last().status).toBe(200);
    expect(patched.tags).toEqual({ keep: 'me' });
    expect(patched.version).toBe(created.version);
  });

  it('disable and enable change the state', async () => {
    await h.logic.workflows.createOrUpdate(RG, 'wf-state', {
      location: 'westeurope',
      definition: DEFINITION,
    });
    await h.logic.workflows.disable(RG, 'wf-state');
    expect((await h.logic.workflows.get(RG, 'wf-state')).state).toBe('Disabled');
    await h.logic.workflows.enable(RG, 'wf-state');
    expect((await h.logic.workflows.get(RG, 'wf-state')).state).toBe('Enabled');
  });
});

describe('workflows: errors ARM and Logic Apps answer', () => {
  it('a PUT into a missing resource group is ResourceGroupNotFound, answered by ARM itself', async () => {
    await expect(
      h.logic.workflows.createOrUpdate('no-such-rg', 'wf', {
        location: 'westeurope',
        definition: DEFINITION,
      }),
    ).rejects.toMatchObject({
      ...armError(404, 'ResourceGroupNotFound'),
      message: "Resource group 'no-such-rg' could not be found.",
    });
    const log = h.emu.requests().filter((r) => r.path.includes('no-such-rg'));
    expect(log.at(-1)).toMatchObject({ status: 404, errorCode: 'ResourceGroupNotFound', kind: 'write' });
  });

  it('GET of a missing workflow is 404 ResourceNotFound', async () => {
    await expect(h.logic.workflows.get(RG, 'never-created')).rejects.toMatchObject(
      armError(404, 'ResourceNotFound'),
    );
  });

  it('a runAfter naming a non-existent action is 400 InvalidTemplate', async () => {
    const definition = {
      ...DEFINITION,
      actions: { Second: { type: 'Compose', inputs: 'x', runAfter: { First: ['Succeeded'] } } },
    };
    await expect(
      h.logic.workflows.createOrUpdate(RG, 'wf-bad-run-after', { location: 'westeurope', definition }),
    ).rejects.toMatchObject({
      ...armError(400, 'InvalidTemplate'),
      message: expect.stringMatching(/contains non-existent action: 'First'/),
    });
  });

  it('a parameter value the definition does not declare is 400 InvalidTemplate', async () => {
    await expect(
      h.logic.workflows.createOrUpdate(RG, 'wf-bad-params', {
        location: 'westeurope',
        definition: DEFINITION,
        parameters: { secretUri: { type: 'String', value: 'https://v.vault.azure.net/secrets/s' } },
      }),
    ).rejects.toMatchObject(armError(400, 'InvalidTemplate'));
  });

  it('an expression using an undeclared parameter is 400 InvalidTemplate; declared, it is accepted', async () => {
    const uses = {
      ...DEFINITION,
      actions: { Read: { type: 'Http', inputs: { method: 'GET', uri: "@parameters('secretUri')" } } },
    };
    await expect(
      h.logic.workflows.createOrUpdate(RG, 'wf-param-ref', { location: 'westeurope', definition: uses }),
    ).rejects.toMatchObject(armError(400, 'InvalidTemplate'));
    const declared = { ...uses, parameters: { secretUri: { type: 'String' } } };
    const ok = await h.logic.workflows.createOrUpdate(RG, 'wf-param-ref', {
      location: 'westeurope',
      definition: declared,
      parameters: { secretUri: { type: 'String', value: 'https://v.vault.azure.net/secrets/s' } },
    });
    expect(ok.parameters?.secretUri?.value).toBe('https://v.vault.azure.net/secrets/s');
  });

  // "$schema — Required: Only when externally referencing a workflow definition" (Workflow
  // Definition Language schema reference, learn.microsoft.com/azure/logic-apps/logic-apps-workflow-definition-language).
  it('a definition without $schema is accepted; a $schema that is not the workflow definition schema is 400 InvalidTemplate', async () => {
    const created = await h.logic.workflows.createOrUpdate(RG, 'wf-no-schema', {
      location: 'westeurope',
      definition: { actions: {} },
    });
    expect(created.provisioningState).toBe('Succeeded');
    await expect(
      h.logic.workflows.createOrUpdate(RG, 'wf-other-schema', {
        location: 'westeurope',
        definition: { $schema: 'https://json-schema.org/draft-07/schema#', actions: {} },
      }),
    ).rejects.toMatchObject(armError(400, 'InvalidTemplate'));
  });

  it('a missing location is 400 LocationRequired', async () => {
    await expect(
      h.logic.workflows.createOrUpdate(RG, 'wf-no-location', { definition: DEFINITION } as never),
    ).rejects.toMatchObject(armError(400, 'LocationRequired'));
  });
});

// Logic Apps' naming rule: 1-43 alphanumerics, '-', '_', '.', '(' and ')' ("Naming rules and
// restrictions for Azure resources", learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules,
// 2023-11-20). The answer's wording: github.com/Azure/logicapps/issues/958 and #452.
describe('workflows: names Logic Apps refuses', () => {
  const put = (name: string) =>
    h.logic.workflows.createOrUpdate(RG, name, { location: 'westeurope', definition: DEFINITION });

  it.each([
    ['a space', 'wf one', "has these invalid characters ' '"],
    ['an asterisk and a plus', 'wf*+', "has these invalid characters '*+'"],
    ['a non-ASCII letter', 'wfé', "has these invalid characters 'é'"],
    ['44 characters', 'w'.repeat(44), "has a length of '44' which exceeds the maximum limit of '43'"],
  ])('%s is 400 InvalidWorkflow and creates nothing', async (_name, name, said) => {
    await expect(put(name)).rejects.toMatchObject({
      ...armError(400, 'InvalidWorkflow'),
      message: expect.stringContaining(said),
    });
    expect(Object.values(h.emu.state.workflows).some((w) => w.name === name)).toBe(false);
  });

  it('43 characters and every allowed symbol are accepted', async () => {
    await expect(put('w'.repeat(43))).resolves.toMatchObject({ name: 'w'.repeat(43) });
    await expect(put('Orders(v2)_x.y-1')).resolves.toMatchObject({ name: 'Orders(v2)_x.y-1' });
  });

  it('a name of periods, sent encoded past URL resolution, is refused', async () => {
    // fetch and the SDK resolve '..' and '%2e%2e' as dot-segments before sending; a raw request does not.
    const token = await h.credential.getToken(`${h.emu.armEndpoint}/.default`);
    const url = new URL(h.emu.armEndpoint);
    const path = `/subscriptions/${h.emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Logic/workflows/%2E%2E?api-version=2019-05-01`;
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = https.request(
        {
          host: url.hostname,
          port: url.port,
          path,
          method: 'PUT',
          headers: { authorization: `Bearer ${token?.token}`, 'content-type': 'application/json' },
        },
        (response) => {
          let body = '';
          response.on('data', (chunk) => (body += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
      request.on('error', reject);
      request.end(JSON.stringify({ location: 'westeurope', properties: { definition: DEFINITION } }));
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'InvalidWorkflow' } });
  });
});

describe('workflows: lists with paging', () => {
  it('lists by resource group and by subscription, following nextLink across pages', async () => {
    await h.arm(
      'PUT',
      `/subscriptions/${h.emu.subscriptionId}/resourceGroups/paging-rg?api-version=2021-04-01`,
      { location: 'westus' },
    );
    const names = ['p1', 'p2', 'p3', 'p4', 'p5'];
    for (const name of names) {
      await h.logic.workflows.createOrUpdate('paging-rg', name, {
        location: 'westus',
        definition: DEFINITION,
        tags: { page: 'yes' },
      });
    }
    const since = h.emu.requests().at(-1)!.seq;
    const listed: string[] = [];
    for await (const workflow of h.logic.workflows.listByResourceGroup('paging-rg'))
      listed.push(workflow.name!);
    expect(listed.sort()).toEqual(names);
    const pageRequests = h.emu
      .requests(since)
      .filter((r) => r.operation === 'Microsoft.Logic/workflows/read');
    expect(pageRequests).toHaveLength(3); // 2 + 2 + 1

    const everywhere: string[] = [];
    for await (const workflow of h.logic.workflows.listBySubscription()) everywhere.push(workflow.name!);
    expect(everywhere).toEqual(expect.arrayContaining([...names, 'wf-shape']));
  });

  it('list items have the shape of Workflows_ListByResourceGroup.json', async () => {
    const raw = captureRaw();
    for await (const _ of h.logic.workflows.listByResourceGroup(RG, raw.options)) {
      // drain
    }
    expect(
      shapeDifferences(
        raw.responses[0]!.body,
        fixtureBody('Workflows_ListByResourceGroup.json'),
        NOT_CONFIGURED.map((p) => `value[].${p}`),
      ),
    ).toEqual([]);
  });

  it('$filter=State eq is applied', async () => {
    await h.logic.workflows.createOrUpdate(RG, 'wf-disabled', {
      location: 'westeurope',
      state: 'Disabled',
      definition: DEFINITION,
    });
    const disabled: string[] = [];
    for await (const workflow of h.logic.workflows.listByResourceGroup(RG, { filter: "State eq 'Disabled'" }))
      disabled.push(workflow.name!);
    expect(disabled).toContain('wf-disabled');
    expect(disabled).not.toContain('wf-shape');
  });
});
