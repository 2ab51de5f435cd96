// Reconcile-level: accessControl managed from the spec (restored with DriftCorrected when changed
// out of band), writable properties the spec does not manage carried over into every PUT (a PUT
// replaces the whole workflow), no write at steady state, and the region's addresses in status.
// The fake gateways read back through the gateway's own mapping and the emulator's
// endpointsConfiguration (support/fakes.ts), so unit tests and emulator share one belief.
import type { V1ConfigMap, V1Namespace } from '@kubernetes/client-node';
import { regionEndpoints } from '@logicops/azure-emulator';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LogicAppWorkflowControllerDeps } from '../../../../src/controllers/logic-app-workflow/context.ts';
import { createLogicAppWorkflowReconciler } from '../../../../src/controllers/logic-app-workflow/reconcile.ts';
import { namespacePolicy } from '../../../../src/controllers/shared/namespace-policy.ts';
import type {
  LogicAppWorkflow,
  VaultSecretBinding,
  WorkflowAccessControl,
} from '../../../../src/crds/index.ts';
import { silentLogger } from '../../../../src/observability/logger.ts';
import type { ReconcileFn } from '../../../../src/runtime/index.ts';
import { everyNamespaceAs } from '../../../support/azure-actors.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { MemoryRecords } from '../shared/support/memory-records.ts';
import { FakeAzure, FakeKube, FakeSource, RecordingEvents } from './support/fakes.ts';

const NS = 'team-a';
const SUBSCRIPTION_ID = '00000000-0000-4000-8000-00000000000a';
const IA = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.Logic/integrationAccounts/b2b`;
const ACCESS: WorkflowAccessControl = {
  triggers: { allowedCallerIpAddresses: [{ addressRange: '203.0.113.0/24' }] },
  contents: { allowedCallerIpAddresses: [] },
};

function workflow(overrides: Partial<LogicAppWorkflow['spec']> = {}, generation = 1): LogicAppWorkflow {
  return {
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'LogicAppWorkflow',
    metadata: { name: 'wf', namespace: NS, generation, resourceVersion: String(generation), uid: 'u1' },
    spec: {
      subscriptionId: SUBSCRIPTION_ID,
      resourceGroup: 'rg',
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
      state: 'Enabled',
      definition: { triggers: {}, actions: { Say: { type: 'Compose', inputs: 'hi' } } },
      deletionPolicy: 'Delete',
      secureRunHistory: true,
      ...overrides,
    },
  };
}

describe('LogicAppWorkflow reconcile: access control and what a write keeps', () => {
  let kube: FakeKube;
  let azure: FakeAzure;
  let events: RecordingEvents;
  let reconcile: ReconcileFn<LogicAppWorkflow>;
  const clock = new FakeClock();

  beforeEach(() => {
    kube = new FakeKube();
    azure = new FakeAzure();
    events = new RecordingEvents();
    const deps: LogicAppWorkflowControllerDeps = {
      workflows: new FakeSource<LogicAppWorkflow>(),
      bindings: new FakeSource<VaultSecretBinding>(),
      configMaps: new FakeSource<V1ConfigMap>(),
      namespaces: new FakeSource<V1Namespace>([
        {
          metadata: {
            name: NS,
            annotations: {
              'logicops.io/allowed-resource-groups': `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg`,
            },
          },
        },
      ]),
      records: new MemoryRecords().records,
      kube: kube.asClient(),
      actors: everyNamespaceAs(),
      gatewaysFor: () => azure.gateways(),
      events,
      logger: silentLogger(),
      clock,
      settings: {
        clusterId: 'c1',
        namespacePolicy: namespacePolicy(true),
        quota: { workflowsPerRegion: 10, managedIdentityWorkflowsPerSubscriptionRegion: 10 },
      },
    };
    reconcile = createLogicAppWorkflowReconciler(deps);
  });

  async function run(object?: LogicAppWorkflow) {
    if (object) kube.put(object);
    const current = kube.find<LogicAppWorkflow>('LogicAppWorkflow', NS, 'wf');
    if (!current) throw new Error('no object');
    return reconcile(structuredClone(current), {
      key: `${NS}/wf`,
      logger: silentLogger(),
      clock,
      signal: new AbortController().signal,
      reconcileId: 'r',
    });
  }
  const stored = () => kube.find<LogicAppWorkflow>('LogicAppWorkflow', NS, 'wf');
  const writes = () => azure.calls.filter((call) => call === 'workflows.createOrUpdate').length;
  const inAzure = () => azure.workflows.get('wf');
  /** Someone else writes the workflow: Azure stamps a new version. */
  function outOfBand(change: (w: NonNullable<ReturnType<typeof inAzure>>) => void) {
    const current = inAzure();
    if (!current) throw new Error('no workflow in Azure');
    change(current);
    current.version = azure.newVersion();
  }

  it('writes a managed accessControl once, then makes 0 writes across resyncs', async () => {
    expect(await run(workflow({ accessControl: ACCESS }))).toEqual({ type: 'done' });
    expect(inAzure()?.accessControl).toEqual(ACCESS);
    for (let resync = 0; resync < 3; resync++) await run();
    expect(writes()).toBe(1);
    expect(events.recorded.map((e) => e.reason)).toEqual(['Created']);
  });

  it('restores an accessControl rule changed out of band, once, with a DriftCorrected Event', async () => {
    await run(workflow({ accessControl: ACCESS }));
    await run();
    outOfBand((w) => {
      w.accessControl = { triggers: { allowedCallerIpAddresses: [{ addressRange: '0.0.0.0/0' }] } };
    });
    await run();
    expect(inAzure()?.accessControl).toEqual(ACCESS);
    expect(writes()).toBe(2);
    const drift = events.recorded.find((e) => e.reason === 'DriftCorrected');
    expect(drift?.note).toContain('accessControl');
    expect(drift?.note).not.toContain('0.0.0.0');
    await run();
    expect(writes()).toBe(2);
  });

  it('keeps what the spec does not manage through a spec update, and is quiet about it at resync', async () => {
    await run(workflow());
    const foreignAccess = { triggers: { allowedCallerIpAddresses: [{ addressRange: '198.51.100.0/24' }] } };
    outOfBand((w) => {
      w.accessControl = foreignAccess;
      w.integrationAccount = { id: IA };
    });
    // Nothing logicops manages changed: no write, no Event.
    await run();
    expect(writes()).toBe(1);

    await run(workflow({ tags: { team: 'payments' } }, 2));
    expect(writes()).toBe(2);
    expect(inAzure()?.tags.team).toBe('payments');
    expect(inAzure()?.accessControl).toEqual(foreignAccess);
    expect(inAzure()?.integrationAccount).toEqual({ id: IA });
    expect(events.recorded.map((e) => e.reason)).toEqual(['Created', 'Updated']);
    await run();
    expect(writes()).toBe(2);
  });

  it('accessControl: {} removes what was there, then stays quiet', async () => {
    await run(workflow());
    outOfBand((w) => {
      w.accessControl = { triggers: { allowedCallerIpAddresses: [] } };
    });
    await run(workflow({ accessControl: {} }, 2));
    expect(inAzure()?.accessControl).toBeUndefined();
    await run();
    expect(writes()).toBe(2);
  });

  it('reports the region’s addresses in status as Azure answers them', async () => {
    await run(workflow());
    const region = regionEndpoints('westeurope');
    expect(stored()?.status?.ipAddresses).toEqual({
      workflowOutbound: region.workflowOutgoing,
      connectorOutbound: region.connectorOutgoing,
      accessEndpoint: region.accessEndpoint,
    });
  });
});
