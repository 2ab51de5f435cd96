// What a user sees with kubectl: printer columns (Ready, Reason, Principal / Model, Age), short
// names, the logicops category, and field docs through kubectl explain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deleteTestNamespace, kubectl } from '../support/cluster.ts';
import { type AnyObject, create, replaceStatus } from './support/admission.ts';
import { binding, connection, workflow } from './support/fixtures.ts';
import { applyShippedCrds } from './support/install.ts';
import { parseTable } from './support/kubectl-table.ts';

const PRINCIPAL = '7f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
let ns = '';

function condition(status: string, reason: string) {
  return { type: 'Ready', status, reason, message: reason, lastTransitionTime: '2026-01-01T00:00:00Z' };
}

async function withStatus(object: AnyObject, status: AnyObject): Promise<void> {
  const created = await create(ns, object);
  if (!created.ok) throw new Error(created.message);
  const written = await replaceStatus(ns, { ...created.object, status });
  if (!written.ok) throw new Error(written.message);
}

beforeAll(async () => {
  await applyShippedCrds();
  ns = await createTestNamespace('crd-kubectl');
  await withStatus(workflow('orders'), {
    conditions: [condition('True', 'Succeeded')],
    identity: { type: 'SystemAssigned', principalId: PRINCIPAL },
    ipAddresses: {
      workflowOutbound: ['198.51.100.1', '198.51.100.2'],
      connectorOutbound: ['192.0.2.16/28'],
      accessEndpoint: ['203.0.113.5'],
    },
  });
  await withStatus(binding('orders-key', 'orders'), {
    conditions: [condition('False', 'WaitingForPrincipal')],
    accessModel: 'RBAC',
  });
  await withStatus(connection('orders-bus'), {
    conditions: [condition('True', 'Succeeded')],
    overallStatus: 'Connected',
  });
});
afterAll(() => deleteTestNamespace(ns));

describe('kubectl get', () => {
  it('shows Ready, Reason, Principal, Last-Run and Age for workflows (short name law)', async () => {
    const { stdout } = await kubectl(['get', 'law', '-n', ns]);
    expect(stdout.split('\n')[0]?.split(/\s+/)).toEqual([
      'NAME',
      'READY',
      'REASON',
      'PRINCIPAL',
      'LAST-RUN',
      'AGE',
    ]);
    // The workflow never ran: its Last-Run cell is empty (status.lastRun is absent).
    expect(parseTable(stdout)).toEqual([
      {
        NAME: 'orders',
        READY: 'True',
        REASON: 'Succeeded',
        PRINCIPAL,
        'LAST-RUN': '',
        AGE: expect.stringMatching(/^\d+s$/),
      },
    ]);
  });

  it('shows Ready, Reason, Model and Age for bindings (short name vsb)', async () => {
    const { stdout } = await kubectl(['get', 'vsb', '-n', ns]);
    expect(stdout.split('\n')[0]?.split(/\s+/)).toEqual(['NAME', 'READY', 'REASON', 'MODEL', 'AGE']);
    expect(parseTable(stdout)).toEqual([
      {
        NAME: 'orders-key',
        READY: 'False',
        REASON: 'WaitingForPrincipal',
        MODEL: 'RBAC',
        AGE: expect.stringMatching(/^\d+s$/),
      },
    ]);
  });

  it('shows Ready, Reason, API, Status and Age for connections (short name lac), placement with -o wide', async () => {
    const { stdout } = await kubectl(['get', 'lac', '-n', ns]);
    expect(stdout.split('\n')[0]?.split(/\s+/)).toEqual(['NAME', 'READY', 'REASON', 'API', 'STATUS', 'AGE']);
    expect(parseTable(stdout)).toEqual([
      {
        NAME: 'orders-bus',
        READY: 'True',
        REASON: 'Succeeded',
        API: 'servicebus',
        STATUS: 'Connected',
        AGE: expect.stringMatching(/^\d+s$/),
      },
    ]);
    const wide = parseTable((await kubectl(['get', 'lac', '-n', ns, '-o', 'wide'])).stdout);
    expect(wide[0]).toMatchObject({ LOCATION: 'westeurope', 'RESOURCE-GROUP': 'rg-workflows' });
  });

  it('-o wide adds placement for workflows and the workflow and secret for bindings', async () => {
    const workflows = parseTable((await kubectl(['get', 'law', '-n', ns, '-o', 'wide'])).stdout);
    expect(workflows[0]).toMatchObject({ LOCATION: 'westeurope', 'RESOURCE-GROUP': 'rg-workflows' });
    // Outbound addresses for a partner's allow-list (status.ipAddresses), as JSON lists.
    expect(workflows[0]).toMatchObject({
      'OUTBOUND-IPS': '["198.51.100.1","198.51.100.2"]',
      'CONNECTOR-IPS': '["192.0.2.16/28"]',
    });
    const bindings = parseTable((await kubectl(['get', 'vsb', '-n', ns, '-o', 'wide'])).stdout);
    expect(bindings[0]).toMatchObject({ WORKFLOW: 'orders', SECRET: 'partner-api-key' });
  });

  it('lists every kind under the logicops category', async () => {
    const { stdout } = await kubectl(['get', 'logicops', '-n', ns, '-o', 'name']);
    expect(stdout.trim().split('\n').sort()).toEqual([
      'logicappconnection.logicops.io/orders-bus',
      'logicappworkflow.logicops.io/orders',
      'vaultsecretbinding.logicops.io/orders-key',
    ]);
  });
});

describe('kubectl explain', () => {
  it('documents fields and their defaults from the schema', async () => {
    const { stdout } = await kubectl(['explain', 'vsb.spec.permissions']);
    expect(stdout).toContain('read-only, get (default) and optionally list');
    const identity = await kubectl(['explain', 'law.spec.identity.type']);
    expect(identity.stdout).toContain('SystemAssigned');
  });
});
