// Issue 13, Kubernetes faults: while the objects converge, the API server restarts (a PRIVATE
// control plane, so no other suite is disturbed), a meddler keeps writing the same objects (every
// status patch the operator sends with a stale resourceVersion is a 409), and a proxy cuts the
// operator's connections (watch disconnects). Afterwards everything converges, judged by the oracle.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_SUBSCRIPTION_ID } from '@logicops/azure-emulator';
import { ControlPlane } from '@logicops/control-plane';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  LOGIC_APP_WORKFLOW_RESOURCE,
  VAULT_SECRET_BINDING_RESOURCE,
} from '../../src/controllers/resource-kinds.ts';
import { allCrds } from '../../src/crds/index.ts';
import { crdYaml } from '../../src/crds/render.ts';
import { KubeClient, PatchStrategy } from '../../src/runtime/kube-client.ts';
import {
  type OperatorProcess,
  operatorSettingsFor,
  startOperatorProcess,
} from '../support/operator-process.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { scanMaterial } from './security/collect.ts';
import { type ChaosAzure, startChaosAzure } from './support/azure.ts';
import { describeVerdict, waitForConvergence } from './support/converge.ts';
import { type CuttingProxy, startCuttingProxy } from './support/cutting-proxy.ts';
import { printFigures } from './support/figures.ts';
import { createAll, createNamespace, suiteKubeConfig, useKubeConfig } from './support/kube.ts';
import { chaosScale, chaosSeed } from './support/scale.ts';
import { chaosTempDir } from './support/temp-dir.ts';
import { buildWorld, type Manifest } from './support/world.ts';

const CLUSTER_ID = 'chaos-kube';

describe('Kubernetes faults', () => {
  const scale = chaosScale();
  const seed = chaosSeed();
  let plane: ControlPlane | undefined;
  let azure: ChaosAzure | undefined;
  let proxy: CuttingProxy | undefined;
  let operator: OperatorProcess | undefined;

  afterAll(async () => {
    await operator?.stop();
    await proxy?.close();
    await azure?.close();
    await plane?.stop();
  });

  it('converge through API server restarts, status write conflicts and watch disconnects', async () => {
    const started = Date.now();
    const random = seededRandom(seed);
    plane = await ControlPlane.start({ audit: true });
    useKubeConfig(plane.adminKubeConfig());
    await plane.kubectl(
      ['apply', '--server-side', '--field-manager=logicops-chaos', '-f', '-'],
      allCrds().map(crdYaml).join('---\n'),
    );
    await plane.kubectl([
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      ...allCrds().map((c) => `crd/${c.metadata.name}`),
    ]);

    const world = buildWorld({
      subscriptionId: DEMO_SUBSCRIPTION_ID,
      namespace: '',
      workflows: scale.workflows,
    });
    azure = await startChaosAzure(world.seed);
    const emulator = azure.emulator;
    const namespace = await createNamespace('chaos-kube', world.namespaceAnnotations);
    const all = [...world.workflows, ...world.bindings];
    for (const m of all) m.metadata.namespace = namespace;

    proxy = await startCuttingProxy(new URL(plane.server));
    const dir = await chaosTempDir();
    const kubeconfigPath = path.join(dir, 'kubeconfig');
    await writeFile(
      kubeconfigPath,
      (await readFile(plane.kubeconfigPath, 'utf8')).replaceAll(plane.server, proxy.url),
      { mode: 0o600 },
    );
    const logFile = path.join(dir, 'operator.log');
    operator = await startOperatorProcess(
      operatorSettingsFor(emulator, {
        entry: inject('chaosOperatorEntry'),
        kubeconfigPath,
        namespaces: [namespace],
        clusterId: CLUSTER_ID,
        logFile,
      }),
    );
    await operator.ready(60_000);

    const windowMs = scale.name === 'full' ? 120_000 : 40_000;
    const until = Date.now() + windowMs;
    const figures = { apiServerRestarts: 0, connectionsCut: 0, cuts: 0, meddlingWrites: 0 };
    const meddle = async () => {
      const kube = new KubeClient(plane?.adminKubeConfig() ?? suiteKubeConfig());
      for (let n = 0; Date.now() < until; n++) {
        const target = all[Math.floor(random() * all.length)] as Manifest;
        const kind =
          target.kind === 'LogicAppWorkflow' ? LOGIC_APP_WORKFLOW_RESOURCE : VAULT_SECRET_BINDING_RESOURCE;
        await kube
          .patch(kind, { namespace, name: target.metadata.name }, PatchStrategy.MergePatch, {
            metadata: { annotations: { 'chaos.example/poke': String(n) } },
          })
          .then(() => figures.meddlingWrites++)
          .catch(() => undefined); // the API server may be restarting
        await sleep(50);
      }
    };
    const cut = async () => {
      while (Date.now() < until) {
        await sleep(2000 + random() * 4000);
        figures.connectionsCut += proxy?.cutAll() ?? 0;
        figures.cuts++;
      }
    };
    const restart = async () => {
      for (const at of [0.3, 0.7]) {
        await sleep(Math.max(0, started + windowMs * at - Date.now()));
        await plane?.restartApiServer(2000);
        figures.apiServerRestarts++;
      }
    };
    // Objects arrive in waves across the whole window, so every disturbance meets work in flight.
    const waves = 8;
    const feed = async () => {
      const pairs = world.workflows.flatMap((w, i) => [w, world.bindings[i] as Manifest]);
      const size = Math.ceil(pairs.length / waves);
      for (let k = 0; k < waves; k++) {
        await createAll(pairs.slice(k * size, (k + 1) * size)).catch(async () => {
          await sleep(3000); // the API server was restarting: one more try
          await createAll(pairs.slice(k * size, (k + 1) * size));
        });
        await sleep(windowMs / waves);
      }
    };
    await Promise.all([feed(), meddle(), cut(), restart()]);
    const verdict = await waitForConvergence({
      namespace,
      clusterId: CLUSTER_ID,
      expected: all,
      state: () => emulator.state,
      baseline: azure.baseline,
      timeoutMs: scale.convergeTimeoutMs,
    });
    const operatorExitedOnItsOwn = operator.hasExited();
    const metrics = await operator.scrapeMetrics().catch(() => '');
    await operator.stop();
    // The operator's status patches answered 409 (the meddler never writes status).
    const audit = await readFile(plane.auditLogPath ?? '', 'utf8');
    const statusConflicts = audit.split('\n').filter((line) => {
      if (!line.includes('"status"') || !line.includes('409')) return false;
      const event = JSON.parse(line) as {
        verb?: string;
        objectRef?: { subresource?: string };
        responseStatus?: { code?: number };
      };
      return (
        event.verb === 'patch' &&
        event.objectRef?.subresource === 'status' &&
        event.responseStatus?.code === 409
      );
    }).length;
    const scan = await scanMaterial([...world.secretNeedles, ...azure.credentialNeedles()], {
      logFiles: [logFile],
      namespaces: [namespace],
      metrics: [metrics],
      emulators: [emulator],
    });
    printFigures({
      suite: 'Kubernetes faults',
      scale: scale.name,
      seed,
      objects: all.length,
      ...figures,
      statusWriteConflicts: statusConflicts,
      convergedAfterDisturbanceMs: verdict.waitedMs,
      operatorExitedOnItsOwn,
      discrepancies: verdict.discrepancies.length,
      haystacks: scan.haystacks.length,
      bytesScanned: scan.haystackBytes,
      leaks: scan.leaks.length,
      durationMs: Date.now() - started,
    });
    expect(verdict.converged, describeVerdict(verdict)).toBe(true);
    expect(operatorExitedOnItsOwn).toBe(false);
    expect(figures.apiServerRestarts).toBe(2);
    expect(figures.connectionsCut).toBeGreaterThan(0);
    expect(statusConflicts).toBeGreaterThan(0);
    expect(scan.leaks).toEqual([]);
  });
});
