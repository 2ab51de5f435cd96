// Issue 23, workload identity per namespace: a namespace whose credential Secret names a
// ServiceAccount acts in Azure as the Secret's app registration. The operator asks the real
// kube-apiserver for a token of that ServiceAccount (TokenRequest, audience
// api://AzureADTokenExchange) and exchanges it with Entra ID as a client assertion; the emulator
// accepts it only if one of the app's federated credentials has the token's issuer and subject and
// the token is signed by a key the issuer publishes (workload identity federation:
// https://learn.microsoft.com/entra/workload-id/workload-identity-federation; the credential's
// fields: https://learn.microsoft.com/graph/api/resources/federatedidentitycredential). Judged from
// the emulator's request log: every ARM call of the namespace carries the app's object id.
import { CoreV1Api } from '@kubernetes/client-node';
import { admin } from '@logicops/azure-emulator/test-support/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIC_APP_WORKFLOW_RESOURCE } from '../../../src/controllers/resource-kinds.ts';
import { PatchStrategy } from '../../../src/runtime/kube-client.ts';
import { RECONCILE_REQUEST_ANNOTATION } from '../../../src/vocabulary.ts';
import { eventually } from '../../support/eventually.ts';
import {
  condition,
  createWorkflow,
  grantWorkflowRoles,
  type MustShowWorld,
  readWorkflow,
  startMustShowWorld,
  workflowRequests,
} from '../controllers/must-show-support.ts';
import { adminKubeConfig, kubectl } from '../support/cluster.ts';
import { type InProcessOperator, startInProcessOperator } from '../support/operator-env.ts';

const SECRET = 'azure-credential';
const SERVICE_ACCOUNT = 'team-azure';

describe('per-namespace Azure credentials (workload identity)', () => {
  let world: MustShowWorld;
  let operator: InProcessOperator | undefined;
  let ns = '';
  let team: { clientId: string; objectId: string };
  const core = adminKubeConfig().makeApiClient(CoreV1Api);

  const createServiceAccount = () =>
    core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: SERVICE_ACCOUNT } } });
  /** Asks for a pass; returns the request, which status.lastHandledReconcileRequest echoes once handled. */
  const nudge = async (name: string): Promise<string> => {
    const request = `${Date.now()}-${Math.random()}`;
    await world.kube.patch(LOGIC_APP_WORKFLOW_RESOURCE, { namespace: ns, name }, PatchStrategy.MergePatch, {
      metadata: { annotations: { [RECONCILE_REQUEST_ANNOTATION]: request } },
    });
    return request;
  };
  const ready = (name: string) =>
    eventually(async () => {
      const workflow = await readWorkflow(world, ns, name);
      expect(condition(workflow, 'Ready'), JSON.stringify(workflow?.status)).toMatchObject({
        status: 'True',
      });
      expect(workflow?.status?.observedGeneration).toBe(workflow?.metadata?.generation);
    }, 60_000);

  beforeAll(async () => {
    world = await startMustShowWorld({ prefixes: ['nswi'] });
    [ns = ''] = world.namespaces;
    // The cluster's service-account issuer and its signing keys, as a team would find them
    // (docs/operations.md, "Per-namespace credentials"). Entra ID fetches the keys through OIDC
    // discovery; the emulator is told them.
    const discovery = JSON.parse(
      (await kubectl(['get', '--raw', '/.well-known/openid-configuration'])).stdout,
    );
    const jwks = JSON.parse((await kubectl(['get', '--raw', '/openid/v1/jwks'])).stdout);
    const issuer = discovery.issuer as string;
    await admin(world.emulator, 'POST', '/oidc-issuers', { issuer, jwks });
    const registered = await admin(world.emulator, 'POST', '/applications', {
      displayName: 'team-wi',
      federatedCredentials: [{ issuer, subject: `system:serviceaccount:${ns}:${SERVICE_ACCOUNT}` }],
    });
    team = registered.body as { clientId: string; objectId: string };
    // The roles a namespace identity needs (as namespace-credentials.test.ts grants them).
    await grantWorkflowRoles(world, team.objectId);
    await createServiceAccount();
    // No client secret anywhere: the Secret names the app and the ServiceAccount only.
    await core.createNamespacedSecret({
      namespace: ns,
      body: {
        metadata: { name: SECRET },
        stringData: {
          tenantId: world.emulator.tenantId,
          clientId: team.clientId,
          serviceAccount: SERVICE_ACCOUNT,
        },
      },
    });
    operator = await startInProcessOperator(world.emulator, world.namespaces, {
      instance: ns,
      flags: ['--namespace-credentials', `${ns}=${SECRET}`],
    });
  });
  afterAll(async () => {
    await operator?.stop();
    await world?.stop();
  });

  it("makes every ARM call of the namespace as the app its ServiceAccount's token is exchanged for", async () => {
    const since = world.emulator.requests().at(-1)?.seq ?? 0;
    await createWorkflow(world, ns, 'wf-wi');
    await ready('wf-wi');
    const calls = workflowRequests(world.emulator, 'wf-wi', 0);
    expect(calls.some((call) => call.operation === 'Microsoft.Logic/workflows/write')).toBe(true);
    expect(new Set(calls.map((call) => call.callerObjectId))).toEqual(new Set([team.objectId]));
    // The exchange itself: Entra ID answered a client assertion (the emulator checked its
    // issuer, subject, audience, expiry and signature against the cluster's keys).
    const exchanges = world.emulator
      .requests(since)
      .filter((entry) => entry.operation === 'Entra/token' && entry.status === 200);
    expect(exchanges.length).toBeGreaterThan(0);
  });

  it('stalls the namespace once its ServiceAccount is deleted, naming it, and converges once it is back', async () => {
    await core.deleteNamespacedServiceAccount({ name: SERVICE_ACCOUNT, namespace: ns });
    // A pass relies on the last TokenRequest for 30 s; each nudge is a pass.
    const stalled = await eventually(
      async () => {
        await nudge('wf-wi');
        const found = condition(await readWorkflow(world, ns, 'wf-wi'), 'Stalled');
        expect(found).toMatchObject({ status: 'True', reason: 'CredentialUnavailable' });
        return found;
      },
      90_000,
      2_000,
    );
    expect(stalled?.message).toContain(`ServiceAccount ${ns}/${SERVICE_ACCOUNT}`);
    expect(stalled?.message).toContain(`Secret ${ns}/${SECRET}`);
    const since = world.emulator.requests().at(-1)?.seq ?? 0;
    const request = await nudge('wf-wi');
    await eventually(async () => {
      const workflow = await readWorkflow(world, ns, 'wf-wi');
      expect(workflow?.status?.lastHandledReconcileRequest).toBe(request);
      expect(condition(workflow, 'Stalled')).toMatchObject({
        status: 'True',
        reason: 'CredentialUnavailable',
      });
    }, 30_000);
    // Nothing goes to Azure for the namespace while its identity is gone.
    expect(workflowRequests(world.emulator, 'wf-wi', since)).toEqual([]);
    await createServiceAccount();
    await nudge('wf-wi');
    await ready('wf-wi');
  }, 150_000);
});
