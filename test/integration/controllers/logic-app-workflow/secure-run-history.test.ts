// Secure run history against the emulator's per-type secureData validation (issue 21, item 2):
// a secret read from Key Vault flows into a Compose inside a Scope, an HTTP action, a variable
// and an HTTP action that reads the variable. Real kube-apiserver, the emulator over HTTPS, the
// real SDK clients; Azure-side claims are judged from the emulator's workflow, not from status.
//
// The Azure behaviour both sides share: Microsoft Learn, "Secure access and data in Azure Logic
// Apps", section "Secure data in run history by using obfuscation"
// (learn.microsoft.com/azure/logic-apps/logic-apps-securing-a-logic-app#obfuscate; MicrosoftDocs/
// azure-docs commit 8523e128b84f664f46aa5d932699fb0277e8b298): variables and Scope support neither
// secure inputs nor secure outputs; Compose has secure inputs only, which also hide its outputs;
// HTTP supports both, and "All managed connectors and custom connectors support these options"
// (an ApiConnection action: both). What ARM answers to secureData on an unsupported type is inferred (400
// InvalidTemplate; see packages/azure-emulator/src/arm/secure-data.ts).
import { EventsV1Api } from '@kubernetes/client-node';
import { DEMO_ACCESS_POLICY_VAULT, DEMO_RESOURCE_GROUP, DEMO_SECRET_NAME } from '@logicops/azure-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIC_APP_WORKFLOW_RESOURCE } from '../../../../src/controllers/resource-kinds.ts';
import { PatchStrategy } from '../../../../src/runtime/kube-client.ts';
import { eventually } from '../../../support/eventually.ts';
import { adminKubeConfig } from '../../support/cluster.ts';
import {
  annotate,
  condition,
  createWorkflow,
  DEFINITION,
  readWorkflow,
  startWorkflowOperator,
  type WorkflowOperatorEnv,
  workflowManifest,
} from './support/workflow-operator.ts';

const RG = DEMO_RESOURCE_GROUP;
const NAME = 'secret-flows';
type Actions = Record<
  string,
  { runtimeConfiguration?: { secureData?: { properties?: string[] } }; actions?: Actions }
>;

const getSecret = {
  type: 'Http',
  runAfter: {},
  inputs: {
    method: 'GET',
    uri: `https://${DEMO_ACCESS_POLICY_VAULT}.vault.azure.net/secrets/${DEMO_SECRET_NAME}?api-version=7.4`,
    authentication: { type: 'ManagedServiceIdentity', audience: 'https://vault.azure.net' },
  },
};
const useKey = {
  type: 'Scope',
  runAfter: { Get_secret: ['Succeeded'] },
  actions: {
    Extract_key: { type: 'Compose', runAfter: {}, inputs: "@body('Get_secret')?['value']" },
    Call_partner: {
      type: 'Http',
      runAfter: { Extract_key: ['Succeeded'] },
      inputs: {
        method: 'POST',
        uri: 'https://partner.example.com/',
        headers: { 'Api-key': "@{outputs('Extract_key')}" },
      },
    },
  },
};
const callPartnerAgain = (header: string) => ({
  type: 'Http',
  runAfter: { Remember_key: ['Succeeded'] },
  inputs: { method: 'GET', uri: 'https://partner.example.com/status', headers: { 'Api-key': header } },
});

/** The secret reaches a Compose in a Scope, an HTTP action, a variable, and an HTTP action reading the variable. */
const WITH_VARIABLE = {
  ...DEFINITION,
  actions: {
    Get_secret: getSecret,
    Use_key: useKey,
    Remember_key: {
      type: 'InitializeVariable',
      runAfter: { Use_key: ['Succeeded'] },
      inputs: { variables: [{ name: 'apiKey', type: 'string', value: "@{outputs('Extract_key')}" }] },
    },
    Call_with_variable: callPartnerAgain("@{variables('apiKey')}"),
    Unrelated: { type: 'Compose', runAfter: {}, inputs: 'hello' },
  },
};

describe('LogicAppWorkflow controller: secure run history per action type', () => {
  let env: WorkflowOperatorEnv;
  const events = () =>
    adminKubeConfig().makeApiClient(EventsV1Api).listNamespacedEvent({ namespace: env.namespace });
  const eventsFor = async (reason: string) =>
    (await events()).items.filter((e) => e.reason === reason && e.regarding?.name === NAME);
  const secureDataTable = async (name = NAME) => {
    const actions = (await env.logic.workflows.get(RG, name)).definition?.actions as Actions;
    const rows: Record<string, string[] | 'none'> = {};
    const visit = (map: Actions) => {
      for (const [name, action] of Object.entries(map)) {
        rows[name] = action.runtimeConfiguration?.secureData?.properties ?? 'none';
        if (action.actions) visit(action.actions);
      }
    };
    visit(actions);
    return rows;
  };
  async function waitReady(generation: number) {
    return eventually(async () => {
      const workflow = await readWorkflow(env, NAME);
      expect(workflow?.status?.observedGeneration).toBe(generation);
      expect(condition(workflow, 'Ready')).toMatchObject({ status: 'True', reason: 'Succeeded' });
      return workflow!;
    }, 30_000);
  }

  beforeAll(async () => {
    env = await startWorkflowOperator({ prefix: 'law-secure-data' });
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('deploys Ready with secureData only where the type supports it, and names the variable it cannot hide', async () => {
    await createWorkflow(
      env,
      workflowManifest(env.namespace, NAME, {
        subscriptionId: env.emu.subscriptionId,
        definition: WITH_VARIABLE,
      }),
    );
    const workflow = await waitReady(1);

    expect(await secureDataTable()).toEqual({
      Get_secret: ['inputs', 'outputs'],
      Use_key: 'none',
      Extract_key: ['inputs'],
      Call_partner: ['inputs', 'outputs'],
      Remember_key: 'none',
      Call_with_variable: ['inputs', 'outputs'],
      Unrelated: 'none',
    });
    expect(workflow.status?.exposedInRunHistory).toEqual([
      {
        action: 'Remember_key',
        type: 'InitializeVariable',
        shows: ['inputs', 'outputs'],
        change: expect.stringContaining("use the output of 'Get_secret' directly"),
      },
    ]);
    await eventually(async () => {
      const warnings = await eventsFor('RunHistoryExposed');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({
        type: 'Warning',
        note: expect.stringContaining('Remember_key (InitializeVariable'),
      });
    });
  });

  it('is deployable only that way: the emulated Azure refuses secure data on the variable and the Scope', async () => {
    const azure = await env.logic.workflows.get(RG, NAME);
    const actions = structuredClone(azure.definition?.actions) as Record<string, Record<string, unknown>>;
    for (const name of ['Remember_key', 'Use_key']) {
      const attempt = structuredClone(actions);
      attempt[name] = {
        ...attempt[name],
        runtimeConfiguration: { secureData: { properties: ['inputs', 'outputs'] } },
      };
      await expect(
        env.logic.workflows.createOrUpdate(RG, 'out-of-band-copy', {
          location: 'westeurope',
          definition: { ...azure.definition, actions: attempt },
        }),
      ).rejects.toMatchObject({
        statusCode: 400,
        code: 'InvalidTemplate',
        message: expect.stringContaining(`'${name}'`),
      });
    }
  });

  it('says nothing new on a reconcile that changes nothing', async () => {
    await annotate(env, NAME, { 'logicops.io/reconcile-request': 'again-1' });
    await eventually(async () => {
      expect((await readWorkflow(env, NAME))?.status?.lastHandledReconcileRequest).toBe('again-1');
    });
    const warnings = await eventsFor('RunHistoryExposed');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.series).toBeUndefined();
  });

  it('drops the report, with an Event, once the secret no longer goes through a variable', async () => {
    const fixed = {
      ...WITH_VARIABLE,
      actions: {
        Get_secret: getSecret,
        Use_key: useKey,
        Remember_key: { type: 'Compose', runAfter: { Use_key: ['Succeeded'] }, inputs: 'no secret here' },
        Call_with_variable: callPartnerAgain("@{outputs('Extract_key')}"),
      },
    };
    await env.kube.patch(
      LOGIC_APP_WORKFLOW_RESOURCE,
      { namespace: env.namespace, name: NAME },
      PatchStrategy.MergePatch,
      {
        // A merge patch: null removes the action no longer wanted.
        spec: { definition: { ...fixed, actions: { ...fixed.actions, Unrelated: null } } },
      },
    );
    const workflow = await waitReady(2);
    expect(workflow.status?.exposedInRunHistory).toBeUndefined();
    expect(await secureDataTable()).toEqual({
      Get_secret: ['inputs', 'outputs'],
      Use_key: 'none',
      Extract_key: ['inputs'],
      Call_partner: ['inputs', 'outputs'],
      Remember_key: 'none',
      Call_with_variable: ['inputs', 'outputs'],
    });
    await eventually(async () => {
      expect(await eventsFor('RunHistorySecured')).toEqual([expect.objectContaining({ type: 'Normal' })]);
    });
  });

  it('secures a secret read through the Key Vault managed connector, by the $connections value in spec.parameters', async () => {
    // Microsoft's designer output for the Key Vault connector's Get secret (GET /secrets/{name}/value,
    // learn.microsoft.com/connectors/keyvault); which API a $connections key is, only its `id` says.
    const managedApi = (api: string) =>
      `/subscriptions/${env.emu.subscriptionId}/providers/Microsoft.Web/locations/westeurope/managedApis/${api}`;
    const connection = (api: string) => ({
      id: managedApi(api),
      connectionId: `/subscriptions/${env.emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Web/connections/${api}`,
      connectionName: api,
    });
    const viaConnection = (key: string, method: string, path: string) => ({
      type: 'ApiConnection',
      runAfter: {},
      inputs: {
        host: { connection: { name: `@parameters('$connections')['${key}']['connectionId']` } },
        method,
        path,
      },
    });
    const name = 'connector-secret';
    await createWorkflow(
      env,
      workflowManifest(env.namespace, name, {
        subscriptionId: env.emu.subscriptionId,
        parameters: {
          $connections: { keyvault: connection('keyvault'), servicebus: connection('servicebus') },
        },
        definition: {
          ...DEFINITION,
          parameters: { $connections: { type: 'Object', defaultValue: {} } },
          actions: {
            Get_secret: viaConnection(
              'keyvault',
              'get',
              "/secrets/@{encodeURIComponent('db-password')}/value",
            ),
            Use_secret: {
              type: 'Compose',
              runAfter: { Get_secret: ['Succeeded'] },
              inputs: "@body('Get_secret')?['value']",
            },
            Get_metadata: viaConnection(
              'keyvault',
              'get',
              "/secrets/@{encodeURIComponent('db-password')}/metadata",
            ),
            Send_message: viaConnection('servicebus', 'post', "/@{encodeURIComponent('orders')}/messages"),
          },
        },
      }),
    );
    await eventually(async () => {
      const workflow = await readWorkflow(env, name);
      expect(condition(workflow, 'Ready')).toMatchObject({ status: 'True', reason: 'Succeeded' });
      expect(workflow?.status?.exposedInRunHistory).toBeUndefined();
    }, 30_000);
    expect(await secureDataTable(name)).toEqual({
      Get_secret: ['inputs', 'outputs'],
      Use_secret: ['inputs'],
      Get_metadata: 'none',
      Send_message: 'none',
    });
  });
});
