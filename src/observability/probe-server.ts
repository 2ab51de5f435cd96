// The operator's HTTP endpoints for the kubelet and Prometheus: /healthz (liveness),
// /readyz (readiness: caches synced; a standby that is not leader is still ready, so a
// rollout does not wait on an election) and /metrics. Health and metrics may share a port
// or use two; each check is a named function so /readyz?verbose says which one fails.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Check = () => { ok: boolean; detail?: string };

export interface ProbeServerSettings {
  host?: string;
  /** 0 picks a free port (tests); two zeros give two servers. */
  healthPort: number;
  /** Same as healthPort to serve everything on one port. */
  metricsPort: number;
  liveness: Record<string, Check>;
  readiness: Record<string, Check>;
  metrics: () => Promise<{ contentType: string; body: string }>;
}

export interface ProbeServers {
  healthPort: number;
  metricsPort: number;
  close(): Promise<void>;
}

export async function startProbeServers(settings: ProbeServerSettings): Promise<ProbeServers> {
  const host = settings.host ?? '0.0.0.0';
  const healthRoutes = {
    '/healthz': (verbose: boolean) => runChecks(settings.liveness, verbose),
    '/livez': (verbose: boolean) => runChecks(settings.liveness, verbose),
    '/readyz': (verbose: boolean) => runChecks(settings.readiness, verbose),
  };
  // Port 0 means "any free port" for each, so two zeros are two servers.
  const shared = settings.healthPort === settings.metricsPort && settings.healthPort !== 0;
  const health = await listen(
    handler(healthRoutes, shared ? settings.metrics : undefined),
    host,
    settings.healthPort,
  );
  const metrics = shared ? health : await listen(handler({}, settings.metrics), host, settings.metricsPort);
  return {
    healthPort: (health.address() as AddressInfo).port,
    metricsPort: (metrics.address() as AddressInfo).port,
    async close() {
      await Promise.all([...new Set([health, metrics])].map((server) => closeServer(server)));
    },
  };
}

type Route = (verbose: boolean) => { status: number; body: string };

function handler(
  routes: Record<string, Route>,
  metrics?: ProbeServerSettings['metrics'],
): http.RequestListener {
  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://probe');
    const route = routes[url.pathname];
    if (route) {
      const { status, body } = route(url.searchParams.has('verbose'));
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
      return;
    }
    if (metrics && url.pathname === '/metrics') {
      metrics().then(
        ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
        (error: unknown) => response.writeHead(500).end(`metrics failed: ${String(error)}\n`),
      );
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
  };
}

/** Kubernetes' own probe format: `[+]name ok` / `[-]name failed: detail`, then a verdict. */
function runChecks(checks: Record<string, Check>, verbose: boolean): { status: number; body: string } {
  const lines: string[] = [];
  let healthy = true;
  for (const [name, check] of Object.entries(checks)) {
    let result: ReturnType<Check>;
    try {
      result = check();
    } catch (error) {
      result = { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
    healthy &&= result.ok;
    lines.push(result.ok ? `[+]${name} ok` : `[-]${name} failed: ${result.detail ?? 'not ready'}`);
  }
  const verdict = healthy ? 'ok' : 'check failed';
  const body = verbose || !healthy ? `${lines.join('\n')}\n${verdict}\n` : `${verdict}\n`;
  return { status: healthy ? 200 : 503, body };
}

function listen(listener: http.RequestListener, host: string, port: number): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    const server = http.createServer(listener);
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
