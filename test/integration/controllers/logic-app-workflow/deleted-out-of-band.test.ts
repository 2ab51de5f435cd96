// docs/design.md guarantee 7: a workflow deleted in Azure behind logicops' back comes back at the
// next resync — with a new system-assigned principal in status — and an Event says so.

import { LogicManagementClient } from '@azure/arm-logic';
import { EventsV1Api } from '@kubernetes/client-node';
import { DEMO_RESOURCE_GROUP } from '@logicops/azure-emulator';
import { operatorCredential } from '@logicops/azure-emulator/test-support/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../support/eventually.ts';
import { adminKubeConfig, kubectl } from '../../support/cluster.ts';
import { type OperatorEnv, startOperatorEnv } from '../../support/operator-env.ts';
import { applyRequestWorkflow } from './support/kubectl-workflow.ts';

const NAME = 'vanishing';

describe('a workflow deleted out of band', () => {
  let env: OperatorEnv;

  beforeAll(async () => {
    env = await startOperatorEnv({ namespacePrefix: 'law-oob', flags: ['--resync-period', '3s'] });
  });
  afterAll(async () => {
    await env?.stop();
  });

  const emulated = () => Object.values(env.emulator.state.workflows).filter((w) => w.name === NAME);
  const principal = async () => {
    const { stdout } = await kubectl([
      'get',
      'law',
      NAME,
      '-n',
      env.namespace,
      '-o',
      'jsonpath={.status.identity.principalId}',
    ]);
    return stdout.trim();
  };

  it('is recreated at the next resync, with its new principal in status and an Event', async () => {
    await applyRequestWorkflow(env, NAME);
    const first = await principal();
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(emulated()).toHaveLength(1);

    const logic = new LogicManagementClient(operatorCredential(env.emulator), env.emulator.subscriptionId, {
      endpoint: env.emulator.armEndpoint,
    });
    await logic.workflows.delete(DEMO_RESOURCE_GROUP, NAME);
    expect(emulated()).toHaveLength(0);

    await eventually(async () => {
      expect(emulated()).toHaveLength(1);
      const second = await principal();
      expect(second).toMatch(/^[0-9a-f-]{36}$/);
      expect(second).not.toBe(first);
    }, 60_000);
    expect(env.emulator.state.principals[first.toLowerCase()]).toBeUndefined();

    // The first create and the restoration are one Event series: count 2 once published.
    await eventually(async () => {
      const events = await adminKubeConfig()
        .makeApiClient(EventsV1Api)
        .listNamespacedEvent({ namespace: env.namespace });
      const created = events.items.filter((e) => e.reason === 'Created' && e.regarding?.name === NAME);
      expect(created).toHaveLength(1);
      expect(created[0]?.series?.count).toBe(2);
    }, 60_000);
  }, 150_000);
});
