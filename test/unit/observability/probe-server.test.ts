import { afterEach, describe, expect, it } from 'vitest';
import { OperatorMetrics } from '../../../src/observability/metrics.ts';
import { type ProbeServers, startProbeServers } from '../../../src/observability/probe-server.ts';

describe('probe servers', () => {
  let servers: ProbeServers | undefined;
  afterEach(async () => {
    await servers?.close();
    servers = undefined;
  });

  const get = async (port: number, path: string) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    return {
      status: response.status,
      body: await response.text(),
      type: response.headers.get('content-type'),
    };
  };

  it('answers /readyz 503 naming the failing check, and 200 once it passes', async () => {
    let synced = false;
    servers = await startProbeServers({
      host: '127.0.0.1',
      healthPort: 0,
      metricsPort: 0,
      liveness: { ping: () => ({ ok: true }) },
      readiness: {
        'informers-synced': () => ({ ok: synced, detail: 'LogicAppWorkflow cache not synced' }),
        leadership: () => ({ ok: true }),
      },
      metrics: async () => ({ contentType: 'text/plain', body: '' }),
    });
    const before = await get(servers.healthPort, '/readyz');
    expect(before.status).toBe(503);
    expect(before.body).toContain('[-]informers-synced failed: LogicAppWorkflow cache not synced');
    expect(before.body).toContain('[+]leadership ok');
    synced = true;
    expect(await get(servers.healthPort, '/readyz')).toMatchObject({ status: 200, body: 'ok\n' });
    expect((await get(servers.healthPort, '/readyz?verbose')).body).toContain('[+]informers-synced ok');
    expect((await get(servers.healthPort, '/healthz')).status).toBe(200);
    expect((await get(servers.healthPort, '/nope')).status).toBe(404);
  });

  it('serves controller-runtime metric names on a separate metrics port', async () => {
    const metrics = new OperatorMetrics();
    const observer = metrics.reconcileObserver('logicappworkflow');
    observer.reconciled?.('ns/a', 'done', 120);
    observer.reconciled?.('ns/b', 'error', 30);
    const queue = metrics.queueObserver('logicappworkflow', () => 3);
    queue.added?.('ns/a');
    queue.retried?.('ns/b', 1000);
    metrics.azureCall('workflows.createOrUpdate', 429, 50);
    metrics.setLeader('logicops-leader', true);
    servers = await startProbeServers({
      host: '127.0.0.1',
      healthPort: 0,
      metricsPort: 0,
      liveness: {},
      readiness: {},
      metrics: () => metrics.render(),
    });
    expect(servers.metricsPort).not.toBe(servers.healthPort);
    const { status, body, type } = await get(servers.metricsPort, '/metrics');
    expect(status).toBe(200);
    expect(type).toContain('text/plain');
    expect(body).toContain(
      'controller_runtime_reconcile_total{controller="logicappworkflow",result="success"} 1',
    );
    expect(body).toContain(
      'controller_runtime_reconcile_total{controller="logicappworkflow",result="error"} 1',
    );
    expect(body).toContain('controller_runtime_reconcile_errors_total{controller="logicappworkflow"} 1');
    expect(body).toContain('workqueue_depth{name="logicappworkflow",controller="logicappworkflow"} 3');
    expect(body).toContain(
      'workqueue_retries_total{name="logicappworkflow",controller="logicappworkflow"} 1',
    );
    expect(body).toContain('logicops_azure_throttled_total{operation="workflows.createOrUpdate"} 1');
    expect(body).toContain('leader_election_master_status{name="logicops-leader"} 1');
    expect((await get(servers.healthPort, '/metrics')).status).toBe(404);
  });
});
