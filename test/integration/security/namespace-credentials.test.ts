// Issue 23, first slice: a namespace with its own Azure credential acts in Azure as that
// identity for every call its objects cause — create, drift checks, delete — and never as the
// operator's; a namespace without one acts as the operator's identity (the default). Judged
// from the emulator's request log: each ARM request carries the caller's object id from its token.
// Rotation needs no restart; a deleted credential Secret stalls the object (naming the Secret)
// and holds its deletion until the Secret is back.
import { CoreV1Api } from '@kubernetes/client-node';
import {
  DEMO_ACCESS_POLICY_VAULT,
  DEMO_OPERATOR_OBJECT_ID,
  DEMO_RESOURCE_GROUP,
} from '@logicops/azure-emulator';
import { admin } from '@logicops/azure-emulator/test-support/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LOGIC_APP_WORKFLOW_RESOURCE,
  VAULT_SECRET_BINDING_RESOURCE,
} from '../../../src/controllers/resource-kinds.ts';
import { PatchStrategy } from '../../../src/runtime/kube-client.ts';
import { RECONCILE_REQUEST_ANNOTATION } from '../../../src/vocabulary.ts';
import { eventually } from '../../support/eventually.ts';
import {
  condition,
  createBinding,
  createResourceGroup,
  createWorkflow,
  deleteObject,
  emulatedWorkflow,
  grantWorkflowRoles,
  type MustShowWorld,
  readBinding,
  readWorkflow,
  startMustShowWorld,
  workflowRequests,
} from '../controllers/must-show-support.ts';
import { adminKubeConfig } from '../support/cluster.ts';
import { type InProcessOperator, startInProcessOperator } from '../support/operator-env.ts';

const SECRET = 'azure-credential';
const SHARED_VAULT_ID = (subscriptionRoot: string) =>
  `${subscriptionRoot}/resourceGroups/${DEMO_RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/${DEMO_ACCESS_POLICY_VAULT}`;
const TEAM_CLIENT_SECRET = 'team-a-client-secret-value-0123456789';

describe('per-namespace Azure credentials (client secret)', () => {
  let world: MustShowWorld;
  let operator: InProcessOperator | undefined;
  let own = '';
  let shared = '';
  let team: { clientId: string; objectId: string };
  const core = adminKubeConfig().makeApiClient(CoreV1Api);

  const secretBody = (clientSecret: string) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: SECRET, namespace: own },
    stringData: { tenantId: world.emulator.tenantId, clientId: team.clientId, clientSecret },
  });
  const nudge = (namespace: string, name: string) =>
    world.kube.patch(LOGIC_APP_WORKFLOW_RESOURCE, { namespace, name }, PatchStrategy.MergePatch, {
      metadata: { annotations: { [RECONCILE_REQUEST_ANNOTATION]: String(Date.now()) } },
    });
  const readyAgain = (namespace: string, name: string) =>
    eventually(async () => {
      const workflow = await readWorkflow(world, namespace, name);
      expect(condition(workflow, 'Ready')).toMatchObject({ status: 'True' });
      expect(workflow?.status?.observedGeneration).toBe(workflow?.metadata?.generation);
    }, 60_000);

  beforeAll(async () => {
    world = await startMustShowWorld({ prefixes: ['nscred-own', 'nscred-shared'] });
    [own = '', shared = ''] = world.namespaces;
    const registered = await admin(world.emulator, 'POST', '/applications', {
      displayName: 'team-a',
      clientSecret: TEAM_CLIENT_SECRET,
    });
    team = registered.body as { clientId: string; objectId: string };
    // Azure's own boundary: the team's identity may manage workflows in the demo resource group
    // only (the emulator authorizes each ARM call by the caller's role assignments).
    await grantWorkflowRoles(world, team.objectId);
    // Its own access policies on the shared demo vault (both namespaces bind it).
    await admin(world.emulator, 'POST', '/role-assignments', {
      scope: SHARED_VAULT_ID(world.subscriptionRoot),
      role: 'Key Vault Contributor',
      principalId: team.objectId,
    });
    await core.createNamespacedSecret({ namespace: own, body: secretBody(TEAM_CLIENT_SECRET) });
    operator = await startInProcessOperator(world.emulator, world.namespaces, {
      instance: own,
      // The namespace policy is off: only Azure RBAC on each identity keeps the teams apart here.
      flags: ['--namespace-credentials', `${own}=${SECRET}`, '--namespace-policy', 'disabled'],
    });
  });
  afterAll(async () => {
    await operator?.stop();
    await world?.stop();
  });

  it("makes every ARM call of a namespace as its own identity, and the other namespace's as the operator's", async () => {
    await createWorkflow(world, own, 'wf-own');
    await createWorkflow(world, shared, 'wf-shared');
    await readyAgain(shared, 'wf-shared');
    await readyAgain(own, 'wf-own').catch(async (error) => {
      throw new Error(`${error}: ${JSON.stringify((await readWorkflow(world, own, 'wf-own'))?.status)}`);
    });
    const ownCalls = workflowRequests(world.emulator, 'wf-own', 0);
    const sharedCalls = workflowRequests(world.emulator, 'wf-shared', 0);
    expect(ownCalls.some((call) => call.operation === 'Microsoft.Logic/workflows/write')).toBe(true);
    expect(new Set(ownCalls.map((call) => call.callerObjectId))).toEqual(new Set([team.objectId]));
    expect(new Set(sharedCalls.map((call) => call.callerObjectId))).toEqual(
      new Set([DEMO_OPERATOR_OBJECT_ID]),
    );
  });

  it('reads and writes a vault both namespaces bind each as its own identity: no read is shared across identities', async () => {
    for (const namespace of [own, shared]) {
      await createBinding(world, namespace, 'shared-vault-key', {
        workflowRef: { name: namespace === own ? 'wf-own' : 'wf-shared' },
        vaultId: SHARED_VAULT_ID(world.subscriptionRoot),
      });
    }
    await eventually(async () => {
      for (const namespace of [own, shared]) {
        expect(condition(await readBinding(world, namespace, 'shared-vault-key'), 'Ready')).toMatchObject({
          status: 'True',
        });
      }
    }, 60_000);
    const vaultCalls = world.emulator
      .requests()
      .filter(
        (entry) =>
          entry.plane === 'arm' && entry.path.toLowerCase().includes(`/vaults/${DEMO_ACCESS_POLICY_VAULT}`),
      );
    const callers = (method: string) =>
      new Set(vaultCalls.filter((entry) => entry.method === method).map((entry) => entry.callerObjectId));
    // Each identity made its own vault reads and its own access-policy add.
    expect(callers('GET')).toEqual(new Set([team.objectId, DEMO_OPERATOR_OBJECT_ID]));
    expect(callers('PUT')).toEqual(new Set([team.objectId, DEMO_OPERATOR_OBJECT_ID]));
    // Revoked by each identity again, so the tests below start from workflows without grants.
    for (const namespace of [own, shared]) {
      await deleteObject(world, VAULT_SECRET_BINDING_RESOURCE, namespace, 'shared-vault-key');
    }
    await eventually(async () => {
      for (const namespace of [own, shared]) {
        expect(await readBinding(world, namespace, 'shared-vault-key')).toBeUndefined();
      }
    }, 60_000);
  });

  it("is bounded by Azure itself: a resource group the team's identity has no role on refuses it, nothing is written", async () => {
    // The namespace policy is off (--namespace-policy disabled): only Azure RBAC stops it.
    await createResourceGroup(world, 'rg-other-team');
    await createWorkflow(world, own, 'wf-foreign', { resourceGroup: 'rg-other-team' });
    const stalled = await eventually(async () => {
      const found = condition(await readWorkflow(world, own, 'wf-foreign'), 'Stalled');
      expect(found).toMatchObject({ status: 'True', reason: 'AuthorizationFailed' });
      return found;
    }, 60_000);
    expect(stalled?.message).toContain(`Secret ${own}/${SECRET}`);
    const calls = workflowRequests(world.emulator, 'wf-foreign', 0);
    expect(calls.length).toBeGreaterThan(0);
    // The team may read the subscription (Reader, for the quota count), so the GET is answered;
    // the write is refused by Azure, and every call was the team's.
    const writes = calls.filter((call) => call.method !== 'GET');
    expect(writes.map((call) => `${call.method} ${call.status}`)).toEqual(
      writes.map((call) => `${call.method} 403`),
    );
    expect(writes.length).toBeGreaterThan(0);
    expect(new Set(calls.map((call) => call.callerObjectId))).toEqual(new Set([team.objectId]));
    expect(emulatedWorkflow(world.emulator, 'wf-foreign')).toBeUndefined();
    await deleteObject(world, LOGIC_APP_WORKFLOW_RESOURCE, own, 'wf-foreign');
  });

  it('uses a rotated Secret from the next pass on, without a restart', async () => {
    await core.replaceNamespacedSecret({ name: SECRET, namespace: own, body: secretBody('not-the-secret') });
    await nudge(own, 'wf-own');
    const refused = await eventually(async () => {
      const found = condition(await readWorkflow(world, own, 'wf-own'), 'Stalled');
      expect(found).toMatchObject({ status: 'True' });
      return found;
    }, 60_000);
    // Entra ID refused the rotated (wrong) secret: the pass used it, not a cached token of the old one.
    expect(refused?.message).toContain('AADSTS7000215');
    expect(refused?.message).toContain(`Secret ${own}/${SECRET}`);
    await core.replaceNamespacedSecret({
      name: SECRET,
      namespace: own,
      body: secretBody(TEAM_CLIENT_SECRET),
    });
    await nudge(own, 'wf-own');
    await readyAgain(own, 'wf-own');
  });

  it('stalls a namespace whose credential Secret is gone, naming it, and never acts as the operator instead', async () => {
    await core.deleteNamespacedSecret({ name: SECRET, namespace: own });
    const since = world.emulator.requests().at(-1)?.seq ?? 0;
    await nudge(own, 'wf-own');
    const stalled = await eventually(async () => {
      const found = condition(await readWorkflow(world, own, 'wf-own'), 'Stalled');
      expect(found).toMatchObject({ status: 'True', reason: 'CredentialUnavailable' });
      return found;
    }, 60_000);
    expect(stalled?.message).toContain(`Secret ${own}/${SECRET} does not exist`);
    expect(workflowRequests(world.emulator, 'wf-own', since)).toEqual([]);
    await core.createNamespacedSecret({ namespace: own, body: secretBody(TEAM_CLIENT_SECRET) });
    await nudge(own, 'wf-own');
    await readyAgain(own, 'wf-own');
  });

  it('holds the deletion of an object whose credential is gone, with the reason, and completes it once it is back', async () => {
    await core.deleteNamespacedSecret({ name: SECRET, namespace: own });
    await deleteObject(world, LOGIC_APP_WORKFLOW_RESOURCE, own, 'wf-own');
    const waiting = await eventually(async () => {
      const workflow = await readWorkflow(world, own, 'wf-own');
      const found = condition(workflow, 'Stalled');
      expect(found).toMatchObject({ status: 'True', reason: 'CredentialUnavailable' });
      expect(workflow?.metadata?.finalizers).toContain('logicops.io/finalizer');
      return found;
    }, 60_000);
    expect(waiting?.message).toContain(SECRET);
    expect(emulatedWorkflow(world.emulator, 'wf-own')).toBeDefined();
    // The Secret is not watched (the operator may only get it by name): the next pass — the
    // resync, or a reconcile request as here — finds it back.
    await core.createNamespacedSecret({ namespace: own, body: secretBody(TEAM_CLIENT_SECRET) });
    await nudge(own, 'wf-own');
    await eventually(async () => {
      expect(await readWorkflow(world, own, 'wf-own')).toBeUndefined();
    }, 60_000);
    const deletes = workflowRequests(world.emulator, 'wf-own', 0).filter((call) => call.method === 'DELETE');
    expect(deletes.length).toBeGreaterThan(0);
    expect(new Set(deletes.map((call) => call.callerObjectId))).toEqual(new Set([team.objectId]));
    expect(emulatedWorkflow(world.emulator, 'wf-own')).toBeUndefined();
  }, 150_000);
});
