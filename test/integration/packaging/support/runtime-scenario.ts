// What the operator does against Kubernetes, driven through the runtime's real pieces
// with a given identity: informers on both kinds, ConfigMaps and Namespaces, leader
// election on the Lease, finalizers, status patches (including a conflict, which makes the
// patcher re-read), events (one new, one series update) and the kube-system uid lookup.
// The audit test now runs the real operator (support/chart-operator.ts); this runtime-only
// rehearsal is kept for narrowing down a permission problem without Azure in the way.
import { CoreV1Api, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import {
  CONFIG_MAP_RESOURCE,
  LOGIC_APP_WORKFLOW_RESOURCE,
  NAMESPACE_RESOURCE,
  VAULT_SECRET_BINDING_RESOURCE,
} from '../../../../src/controllers/resource-kinds.ts';
import { createLogger } from '../../../../src/observability/logger.ts';
import { OperatorMetrics } from '../../../../src/observability/metrics.ts';
import { systemClock } from '../../../../src/runtime/clock.ts';
import { markReconciling } from '../../../../src/runtime/conditions.ts';
import { KubeEventRecorder } from '../../../../src/runtime/events.ts';
import { addFinalizer, removeFinalizer } from '../../../../src/runtime/finalizers.ts';
import { Informer } from '../../../../src/runtime/informer.ts';
import { KubeClient, type ResourceKind } from '../../../../src/runtime/kube-client.ts';
import { Manager, type Runnable } from '../../../../src/runtime/manager.ts';
import { StatusPatcher } from '../../../../src/runtime/status-patcher.ts';
import { LOGICOPS_FINALIZER } from '../../../../src/vocabulary.ts';

export interface ScenarioSettings {
  kubeConfig: KubeConfig;
  watchNamespace: string;
  leaseNamespace: string;
  leaseName: string;
  /** How long to keep leading (so the lease is renewed) after the work is done. */
  holdMs: number;
}

export async function runRuntimeScenario(settings: ScenarioSettings): Promise<void> {
  const logger = createLogger({ level: 'warn' });
  const kube = new KubeClient(settings.kubeConfig);
  const scoped = { client: kube, namespaces: [settings.watchNamespace], logger };
  const workflows = new Informer<KubernetesObject>({ ...scoped, kind: LOGIC_APP_WORKFLOW_RESOURCE });
  const bindings = new Informer<KubernetesObject>({ ...scoped, kind: VAULT_SECRET_BINDING_RESOURCE });
  const configMaps = new Informer<KubernetesObject>({ ...scoped, kind: CONFIG_MAP_RESOURCE });
  const namespaces = new Informer<KubernetesObject>({ client: kube, kind: NAMESPACE_RESOURCE, logger });
  const events = new KubeEventRecorder(
    settings.kubeConfig,
    { instance: 'rbac-audit', seriesUpdateIntervalMs: 0 },
    logger,
  );

  let finished: () => void = () => {};
  let failed: (error: unknown) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    finished = resolve;
    failed = reject;
  });

  const touch = async (kind: ResourceKind, informer: Informer<KubernetesObject>) => {
    for (const object of informer.list()) {
      const withFinalizer = await addFinalizer(kube, kind, object, LOGICOPS_FINALIZER);
      // A stale resourceVersion forces a 409, so the patcher re-reads with GET, as it does in production.
      const stale = {
        ...withFinalizer,
        metadata: { ...withFinalizer.metadata, resourceVersion: object.metadata?.resourceVersion },
      };
      await new StatusPatcher(kube).patch<Record<string, unknown>, KubernetesObject>(kind, stale, (status) =>
        markReconciling(
          status,
          { generation: object.metadata?.generation ?? 1, reason: 'Progressing' },
          systemClock,
        ),
      );
      await events.record(withFinalizer, 'Normal', 'Progressing', 'Reconcile', 'audit scenario');
      await events.record(withFinalizer, 'Normal', 'Progressing', 'Reconcile', 'audit scenario');
      const latest = await kube.get<KubernetesObject>(
        kind,
        object.metadata?.namespace,
        object.metadata?.name ?? '',
      );
      await removeFinalizer(kube, kind, latest, LOGICOPS_FINALIZER);
    }
  };

  const scenario: Runnable = {
    name: 'rbac-audit-scenario',
    async start() {
      try {
        // Controllers wait for their caches before the first reconcile; so does this.
        while (![workflows, bindings, configMaps, namespaces].every((informer) => informer.hasSynced)) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await settings.kubeConfig.makeApiClient(CoreV1Api).readNamespace({ name: 'kube-system' });
        await touch(LOGIC_APP_WORKFLOW_RESOURCE, workflows);
        await touch(VAULT_SECRET_BINDING_RESOURCE, bindings);
        setTimeout(finished, settings.holdMs);
      } catch (error) {
        failed(error);
      }
    },
    async stop() {},
    abortInFlight() {},
  };

  const manager = new Manager({
    kubeConfig: settings.kubeConfig,
    logger,
    metrics: new OperatorMetrics(),
    informers: [workflows, bindings, configMaps, namespaces],
    controllers: [scenario],
    leaderElection: {
      namespace: settings.leaseNamespace,
      leaseName: settings.leaseName,
      identity: 'rbac-audit',
      leaseDurationMs: 3_000,
      renewDeadlineMs: 2_000,
      retryPeriodMs: 300,
    },
    probes: { host: '127.0.0.1', healthPort: 0, metricsPort: 0 },
    shutdownGraceMs: 2_000,
  });
  const running = manager.run();
  try {
    await Promise.race([done, running.then(() => Promise.reject(new Error('the manager stopped early')))]);
  } finally {
    await manager.stop();
    await running.catch(() => undefined);
  }
}
