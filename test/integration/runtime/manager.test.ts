// The manager against a real API server: probes and metrics, leader-only reconciling, and a
// graceful shutdown that finishes (or, past the grace period, aborts) in-flight work and
// releases the lease.
import { CoordinationV1Api, CoreV1Api, type V1ConfigMap } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.ts';
import { OperatorMetrics } from '../../../src/observability/metrics.ts';
import { Controller, type ReconcileContext } from '../../../src/runtime/controller.ts';
import { Informer } from '../../../src/runtime/informer.ts';
import { KubeClient, type ResourceKind } from '../../../src/runtime/kube-client.ts';
import { Manager } from '../../../src/runtime/manager.ts';
import { done } from '../../../src/runtime/reconcile-result.ts';
import { eventually } from '../../support/eventually.ts';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace } from '../support/cluster.ts';

const CONFIG_MAPS: ResourceKind = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  namespaced: true,
};
const LABEL = 'manager-test=yes';

interface Instance {
  manager: Manager;
  running: Promise<void>;
  reconciled: string[];
  aborted: string[];
  /** Resolves once the reconcile of a held object (options.held) has started. */
  started(name: string): Promise<void>;
  /** Lets a held reconcile finish. */
  finish(name: string): void;
}

/** A promise with its resolve, for signals between a test and a reconcile it holds open. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

describe('Manager', () => {
  let namespace: string;
  const kc = adminKubeConfig();
  const core = kc.makeApiClient(CoreV1Api);

  beforeAll(async () => {
    namespace = await createTestNamespace('manager');
  });
  afterAll(async () => {
    await deleteTestNamespace(namespace);
  });

  function startInstance(
    identity: string,
    /** `held`: objects whose reconcile runs until the test finishes it (or the manager aborts it). */
    options: { leaseName?: string; held?: string[]; graceMs?: number } = {},
  ): Instance {
    const reconciled: string[] = [];
    const aborted: string[] = [];
    const holds = new Map(
      (options.held ?? []).map((name) => [name, { started: signal(), finish: signal() }]),
    );
    const holdOf = (name: string) => {
      const hold = holds.get(name);
      if (!hold) throw new Error(`${name} is not a held object of this instance`);
      return hold;
    };
    const logger = silentLogger();
    const metrics = new OperatorMetrics();
    const informer = new Informer<V1ConfigMap>({
      client: new KubeClient(kc),
      kind: CONFIG_MAPS,
      namespaces: [namespace],
      labelSelector: LABEL,
      logger,
    });
    const reconcile = async (object: V1ConfigMap, context: ReconcileContext) => {
      const name = object.metadata?.name ?? '';
      const hold = holds.get(name);
      if (hold) {
        hold.started.resolve();
        await new Promise<void>((resolve) => {
          void hold.finish.promise.then(resolve);
          context.signal.addEventListener('abort', () => {
            aborted.push(name);
            resolve();
          });
        });
      }
      if (!context.signal.aborted) reconciled.push(name);
      return done();
    };
    const controller = new Controller<V1ConfigMap>({
      name: 'configmap',
      source: informer,
      reconcile,
      logger,
      observer: metrics.reconcileObserver('configmap'),
    });
    const manager = new Manager({
      kubeConfig: kc,
      logger,
      metrics,
      informers: [informer],
      controllers: [controller],
      leaderElection: options.leaseName
        ? {
            namespace,
            leaseName: options.leaseName,
            identity,
            leaseDurationMs: 3_000,
            renewDeadlineMs: 2_000,
            retryPeriodMs: 300,
          }
        : undefined,
      probes: { host: '127.0.0.1', healthPort: 0, metricsPort: 0 },
      shutdownGraceMs: options.graceMs ?? 5_000,
    });
    return {
      manager,
      running: manager.run(),
      reconciled,
      aborted,
      started: (name) => holdOf(name).started.promise,
      finish: (name) => holdOf(name).finish.resolve(),
    };
  }

  const createConfigMap = (name: string) =>
    core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name, labels: { 'manager-test': 'yes' } } },
    });

  it('serves /readyz once caches sync and controller-runtime metrics after reconciles', async () => {
    await createConfigMap('probe-a');
    const instance = startInstance('solo');
    await eventually(() => expect(instance.manager.healthPort, 'probe servers').toBeDefined(), 5_000);
    await eventually(async () => {
      const readyz = await fetch(`http://127.0.0.1:${instance.manager.healthPort}/readyz`);
      expect(readyz.status, 'readiness').toBe(200);
    }, 10_000);
    await eventually(() => expect(instance.reconciled, 'a reconcile').toContain('probe-a'), 10_000);
    const metrics = await (await fetch(`http://127.0.0.1:${instance.manager.metricsPort}/metrics`)).text();
    expect(metrics).toMatch(
      /controller_runtime_reconcile_total\{controller="configmap",result="success"\} [1-9]/,
    );
    await instance.manager.stop();
    await instance.running;
    expect(
      (await fetch(`http://127.0.0.1:${instance.manager.healthPort}/readyz`).catch(() => undefined))?.status,
    ).toBe(undefined);
  });

  it('reconciles only on the leader, and a stop finishes in-flight work then releases the lease', async () => {
    const leader = startInstance('first', { leaseName: 'only-one', held: ['in-flight'] });
    await eventually(() => expect(leader.manager.mayWrite(), 'first to lead').toBe(true), 5_000);
    const standby = startInstance('second', { leaseName: 'only-one' });
    await eventually(async () => {
      const readyz = await fetch(`http://127.0.0.1:${standby.manager.healthPort}/readyz`).catch(
        () => undefined,
      );
      expect(readyz?.status, 'the standby to be ready').toBe(200);
    }, 10_000);
    await createConfigMap('leader-only');
    await eventually(
      () =>
        expect(
          leader.reconciled.includes('leader-only') || leader.aborted.length > 0,
          'leader reconcile',
        ).toBe(true),
      10_000,
    );
    expect(standby.reconciled).toEqual([]);
    expect(standby.manager.mayWrite()).toBe(false);

    // Stop the leader while a reconcile runs: it finishes (not aborted), then the lease is free.
    await createConfigMap('in-flight');
    await leader.started('in-flight');
    let stopped = false;
    const stopping = leader.manager.stop().then(() => {
      stopped = true;
    });
    // While the reconcile is held the stop waits for it, and the leader keeps its lease.
    const held = await kc
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ namespace, name: 'only-one' });
    expect(held.spec?.holderIdentity).toBe('first');
    expect(stopped).toBe(false);
    leader.finish('in-flight');
    await stopping;
    await leader.running;
    expect(leader.reconciled).toContain('in-flight');
    expect(leader.aborted).toEqual([]);
    const lease = await kc
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ namespace, name: 'only-one' });
    expect(lease.spec?.holderIdentity ?? '').not.toBe('first');

    await eventually(() => expect(standby.manager.mayWrite(), 'the standby to take over').toBe(true), 5_000);
    await standby.manager.stop();
    await standby.running;
  });

  it('aborts in-flight reconciles when the shutdown grace period ends', async () => {
    await createConfigMap('slow');
    // Held: the reconcile never finishes on its own, so only the grace period's abort ends it.
    const instance = startInstance('impatient', { held: ['slow'], graceMs: 300 });
    await instance.started('slow');
    await instance.manager.stop();
    await instance.running;
    expect(instance.aborted).toEqual(['slow']);
    expect(instance.reconciled).not.toContain('slow');
  });
});
