// The Deployment must configure the operator only through variables it reads
// (src/config.ts OPTIONS), and meet Pod Security "restricted" on its own.
import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../../../src/config.ts';
import { named, ofKind, renderChart } from './support/rendered-chart.ts';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}
interface Container {
  name: string;
  args: string[];
  env: EnvVar[];
  ports: Array<{ name: string; containerPort: number }>;
  securityContext: Record<string, unknown>;
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
}
interface PodSpec {
  serviceAccountName: string;
  securityContext: Record<string, unknown>;
  containers: Container[];
}

const TIMEOUT = 600_000;
const readByOperator = new Set<string>([
  ...Object.values(OPTIONS).map((option) => option.env),
  // Secrets come from the environment only (src/config.ts).
  'AZURE_CLIENT_SECRET',
  'AZURE_FEDERATED_TOKEN_FILE',
]);

async function operatorPod(values: Record<string, string> = {}) {
  const objects = await renderChart(values);
  const deployment = named(objects, 'Deployment', 'logicops') as unknown as {
    spec: { replicas: number; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
  };
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0] as Container;
  const env = Object.fromEntries(container.env.map((e) => [e.name, e]));
  return { objects, deployment, pod, container, env };
}

describe('chart Deployment', () => {
  it(
    'passes only variables the operator reads, with leader election on and the namespace from the downward API',
    async () => {
      const { deployment, container, env } = await operatorPod({
        watchNamespaces: '{team-a,team-b}',
        labelSelector: 'shard=blue',
      });
      expect(deployment.spec.replicas).toBe(2);
      expect(container.args).toEqual(['run']);
      const unknown = container.env.map((e) => e.name).filter((name) => !readByOperator.has(name));
      expect(unknown).toEqual([]);
      expect(env.LOGICOPS_LEADER_ELECT?.value).toBe('true');
      expect(env.POD_NAMESPACE?.valueFrom).toEqual({ fieldRef: { fieldPath: 'metadata.namespace' } });
      expect(env.LOGICOPS_NAMESPACES?.value).toBe('team-a,team-b');
      expect(env.LOGICOPS_LABEL_SELECTOR?.value).toBe('shard=blue');
      expect(env.LOGICOPS_LEASE_NAME?.value).toBe('logicops-leader');
      // /metrics has no authentication: no label names a tenant's Azure resource unless asked.
      expect(env.LOGICOPS_METRICS_IDENTIFYING_LABELS?.value).toBe('false');
    },
    TIMEOUT,
  );

  it(
    'is restricted: non-root, read-only root, no escalation, no capabilities, RuntimeDefault seccomp',
    async () => {
      const { pod, container } = await operatorPod();
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
    },
    TIMEOUT,
  );

  it(
    'probes and ports follow the configured health and metrics ports',
    async () => {
      const { container, env, objects } = await operatorPod({
        'probes.healthPort': '9441',
        'metrics.port': '9440',
      });
      expect(env.LOGICOPS_HEALTH_PORT?.value).toBe('9441');
      expect(env.LOGICOPS_METRICS_PORT?.value).toBe('9440');
      expect(container.ports).toEqual([
        { name: 'health', containerPort: 9441, protocol: 'TCP' },
        { name: 'metrics', containerPort: 9440, protocol: 'TCP' },
      ]);
      expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'health' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'health' });
      const service = named(objects, 'Service', 'logicops-metrics') as unknown as {
        spec: { ports: Array<{ port: number }> };
      };
      expect(service.spec.ports[0]?.port).toBe(9440);
    },
    TIMEOUT,
  );

  it(
    'workload identity labels the pod and annotates the ServiceAccount with the client id',
    async () => {
      const { deployment, objects } = await operatorPod({
        'azure.workloadIdentity.enabled': 'true',
        'azure.clientId': '00000000-0000-0000-0000-000000000001',
      });
      expect(deployment.spec.template.metadata.labels['azure.workload.identity/use']).toBe('true');
      const account = named(objects, 'ServiceAccount', 'logicops') as unknown as {
        metadata: { annotations: Record<string, string> };
      };
      expect(account.metadata.annotations['azure.workload.identity/client-id']).toBe(
        '00000000-0000-0000-0000-000000000001',
      );
    },
    TIMEOUT,
  );

  it(
    'a single replica runs without leader election and without a PodDisruptionBudget',
    async () => {
      const { env, objects } = await operatorPod({ replicaCount: '1' });
      expect(env.LOGICOPS_LEADER_ELECT?.value).toBe('false');
      expect(ofKind(objects, 'PodDisruptionBudget')).toEqual([]);
    },
    TIMEOUT,
  );
});
