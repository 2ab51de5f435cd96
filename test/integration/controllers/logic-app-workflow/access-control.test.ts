// Issue 25, "Must show": an accessControl rule changed out of band is restored with an Event; a
// property set out of band that logicops does not manage is still there after an update; outbound
// IPs in status match the emulator's. A real API server and the emulator over HTTPS through the
// real SDK clients; the out-of-band writer is another Azure user (env.logic), as the portal would be.
// The emulator and the operator share these beliefs about Azure:
// * accessControl is FlowAccessControlConfiguration (azure-rest-api-specs, Microsoft.Logic/stable/
//   2019-05-01/logic.json) and round-trips as sent; an empty allowedCallerIpAddresses admits only
//   other logic apps (Microsoft Learn, "Secure access and data in Azure Logic Apps", "Restrict
//   inbound IP addresses");
// * a PUT replaces the whole workflow (REST spec Workflows_CreateOrUpdate), so what is not sent is gone;
// * endpointsConfiguration is the region's (Microsoft Learn, "Limits and configuration reference for
//   Azure Logic Apps": "All logic apps in the same region use the same IP addresses"), in the shape
//   of the REST spec's Workflows_Get.json example.
// Writes are counted from the emulator's request log; resyncs every 3 s (support/workflow-operator.ts).
import { EventsV1Api } from '@kubernetes/client-node';
import { DEMO_RESOURCE_GROUP } from '@logicops/azure-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIC_APP_WORKFLOW_RESOURCE } from '../../../../src/controllers/resource-kinds.ts';
import type { WorkflowAccessControl } from '../../../../src/crds/index.ts';
import { PatchStrategy } from '../../../../src/runtime/kube-client.ts';
import { eventually } from '../../../support/eventually.ts';
import { adminKubeConfig } from '../../support/cluster.ts';
import { emulatedWorkflow, lastSeq, workflowRequests } from '../must-show-support.ts';
import { waitForWorkflowReads, workflowWritesSince } from './support/emulator-waits.ts';
import {
  createWorkflow,
  DEFINITION,
  startWorkflowOperator,
  type WorkflowOperatorEnv,
  waitWorkflowReady,
  workflowManifest,
} from './support/workflow-operator.ts';

const RG = DEMO_RESOURCE_GROUP;
const WAIT = 60_000;
const ISSUER = 'https://sts.windows.net/00000000-0000-0000-0000-000000000001/';
const ACCESS: WorkflowAccessControl = {
  triggers: {
    allowedCallerIpAddresses: [{ addressRange: '203.0.113.0/24' }, { addressRange: '2001:db8::/48' }],
    openAuthenticationPolicies: {
      policies: { partner: { type: 'AAD', claims: [{ name: 'iss', value: ISSUER }] } },
    },
  },
  contents: { allowedCallerIpAddresses: [] },
};

describe('LogicAppWorkflow controller: access control, what a write keeps, outbound addresses', () => {
  let env: WorkflowOperatorEnv;
  const events = adminKubeConfig().makeApiClient(EventsV1Api);
  const writesOf = (name: string, since: number) => workflowWritesSince(env.emu, name, since);

  beforeAll(async () => {
    env = await startWorkflowOperator({ prefix: 'law-access-control' });
  });
  afterAll(async () => {
    await env?.stop();
  });

  const waitReady = (name: string, generation = 1) => waitWorkflowReady(env, name, generation, WAIT);
  /** Waits until the workflow was read (resynced) at least `times` more times from now. */
  const waitResyncs = (name: string, times = 2) => waitForWorkflowReads(env.emu, name, times, WAIT);

  it('writes the declared accessControl once and makes 0 writes across two resyncs', async () => {
    const seq = lastSeq(env.emu);
    await createWorkflow(
      env,
      workflowManifest(env.namespace, 'guarded', {
        subscriptionId: env.emu.subscriptionId,
        definition: DEFINITION,
        accessControl: ACCESS,
      }),
    );
    await waitReady('guarded');
    expect(writesOf('guarded', seq)).toBe(1);
    expect(emulatedWorkflow(env.emu, 'guarded')?.properties.accessControl).toEqual(ACCESS);
    const afterReady = lastSeq(env.emu);
    await waitResyncs('guarded', 2);
    expect(writesOf('guarded', afterReady)).toBe(0);
  });

  it('restores an accessControl rule changed out of band, with a DriftCorrected Event', async () => {
    const got = await env.logic.workflows.get(RG, 'guarded');
    // Someone opens the triggers to any address in the portal.
    await env.logic.workflows.createOrUpdate(RG, 'guarded', {
      ...got,
      accessControl: {
        ...got.accessControl,
        triggers: { allowedCallerIpAddresses: [{ addressRange: '0.0.0.0/0' }] },
      },
    });
    const seq = lastSeq(env.emu);
    await eventually(() => {
      expect(emulatedWorkflow(env.emu, 'guarded')?.properties.accessControl).toEqual(ACCESS);
    }, WAIT);
    await eventually(async () => {
      const { items } = await events.listNamespacedEvent({ namespace: env.namespace });
      const drift = items.find((e) => e.reason === 'DriftCorrected' && e.regarding?.name === 'guarded');
      expect(drift?.note).toContain('accessControl');
      expect(drift?.note).not.toContain('0.0.0.0');
    }, WAIT);
    await waitResyncs('guarded', 2);
    expect(writesOf('guarded', seq)).toBe(1);
  });

  it('keeps an accessControl and an integration account set out of band through a spec update', async () => {
    await createWorkflow(
      env,
      workflowManifest(env.namespace, 'plain', {
        subscriptionId: env.emu.subscriptionId,
        definition: DEFINITION,
      }),
    );
    await waitReady('plain');
    const integrationAccount = `/subscriptions/${env.emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Logic/integrationAccounts/b2b`;
    const foreignAccess = {
      workflowManagement: { allowedCallerIpAddresses: [{ addressRange: '198.51.100.0/24' }] },
    };
    const got = await env.logic.workflows.get(RG, 'plain');
    await env.logic.workflows.createOrUpdate(RG, 'plain', {
      ...got,
      accessControl: foreignAccess,
      integrationAccount: { id: integrationAccount },
    });
    // Nothing logicops manages changed: resyncs write nothing.
    const afterForeign = lastSeq(env.emu);
    await waitResyncs('plain', 2);
    expect(writesOf('plain', afterForeign)).toBe(0);

    await env.kube.patch(
      LOGIC_APP_WORKFLOW_RESOURCE,
      { namespace: env.namespace, name: 'plain' },
      PatchStrategy.MergePatch,
      { spec: { tags: { team: 'payments' } } },
    );
    await waitReady('plain', 2);
    const stored = emulatedWorkflow(env.emu, 'plain');
    expect(stored?.tags.team).toBe('payments');
    expect(stored?.properties.accessControl).toEqual(foreignAccess);
    expect(stored?.properties.integrationAccount).toEqual({ id: integrationAccount });
    // One PUT for the update (the request log), and the emulator still holds both: that PUT carried them.
    const puts = workflowRequests(env.emu, 'plain', afterForeign, 'Microsoft.Logic/workflows/write');
    expect(puts).toHaveLength(1);
    const afterUpdate = lastSeq(env.emu);
    await waitResyncs('plain', 2);
    expect(writesOf('plain', afterUpdate)).toBe(0);
  });

  it('reports the outbound and access-endpoint addresses the emulator answers', async () => {
    const workflow = await waitReady('guarded');
    const endpoints = emulatedWorkflow(env.emu, 'guarded')?.properties.endpointsConfiguration as {
      workflow: {
        outgoingIpAddresses: { address: string }[];
        accessEndpointIpAddresses: { address: string }[];
      };
      connector: { outgoingIpAddresses: { address: string }[] };
    };
    const addresses = (list: { address: string }[]) => list.map((entry) => entry.address);
    expect(addresses(endpoints.workflow.outgoingIpAddresses).length).toBeGreaterThan(0);
    expect(workflow.status?.ipAddresses).toEqual({
      workflowOutbound: addresses(endpoints.workflow.outgoingIpAddresses),
      connectorOutbound: addresses(endpoints.connector.outgoingIpAddresses),
      accessEndpoint: addresses(endpoints.workflow.accessEndpointIpAddresses),
    });
  });
});
