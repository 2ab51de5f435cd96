// Reconcile-level: accessControl managed from the spec (restored with DriftCorrected when changed
// out of band), writable properties the spec does not manage carried over into every PUT (a PUT
// replaces the whole workflow), no write at steady state, and the region's addresses in status.
// The fake gateways read back through the gateway's own mapping and the emulator's
// endpointsConfiguration (support/fakes.ts), so unit tests and emulator share one belief.
import { regionEndpoints } from '@logicops/azure-emulator';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LogicAppWorkflow, WorkflowAccessControl } from '../../../../src/crds/index.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import type { FakeAzure, RecordingEvents } from './support/fakes.ts';
import { ReconcileHarness, SUBSCRIPTION_ID, workflowObject } from './support/reconcile-harness.ts';

const IA = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.Logic/integrationAccounts/b2b`;
const ACCESS: WorkflowAccessControl = {
  triggers: { allowedCallerIpAddresses: [{ addressRange: '203.0.113.0/24' }] },
  contents: { allowedCallerIpAddresses: [] },
};

function workflow(overrides: Partial<LogicAppWorkflow['spec']> = {}, generation = 1): LogicAppWorkflow {
  return workflowObject(
    { definition: { triggers: {}, actions: { Say: { type: 'Compose', inputs: 'hi' } } }, ...overrides },
    { generation, resourceVersion: String(generation) },
  );
}

describe('LogicAppWorkflow reconcile: access control and what a write keeps', () => {
  let h: ReconcileHarness;
  let azure: FakeAzure;
  let events: RecordingEvents;
  const clock = new FakeClock();

  beforeEach(() => {
    h = new ReconcileHarness({ clock });
    ({ azure, events } = h);
  });

  const run = (object?: LogicAppWorkflow) => h.run(object);
  const stored = () => h.stored();
  const writes = () => h.writes();
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
