// `npm run dev` (`logicops dev` from a checkout): the embedded default. No cluster and no Azure
// subscription needed:
//   1. a local kube-apiserver + etcd (built from Go modules on the first run, with progress);
//   2. the Azure emulator over HTTPS, seeded with the demo subscription, vaults and secret;
//   3. the CRDs, a demo namespace whose policy allows the demo scopes, the operator;
//   4. the samples from config/samples, and a live table of their conditions until all are Ready;
// then how to use kubectl against it, until Ctrl-C stops everything.
// Dev tooling, not the operator: it lives outside src/ because it starts the Azure emulator and the
// control-plane harness (workspace packages), which the operator's bundle never contains; the CLI
// reaches it through src/cli/dev-launcher.ts.
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import {
  DEMO_OPERATOR_CLIENT_ID,
  DEMO_OPERATOR_CLIENT_SECRET,
  demoOperatorRoleAssignments,
  demoSeed,
  startEmulator,
} from '@logicops/azure-emulator';
import { ControlPlane } from '@logicops/control-plane';
import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';

import { allCrds } from '../src/crds/index.ts';
import { crdYaml } from '../src/crds/render.ts';
import { createOperator } from '../src/operator.ts';
import { demoNamespaceAnnotations } from './demo-namespace-policy.ts';
import { type ObjectRow, renderProgress } from './dev-progress.ts';

const DEMO_NAMESPACE = 'logicops-demo';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function runDev({ exitWhenReady }: { exitWhenReady: boolean }): Promise<number> {
  const say = (line: string) => console.log(line);
  const started = Date.now();

  say(
    'logicops dev: starting the local control plane (a first run builds kube-apiserver and etcd: many minutes)',
  );
  const plane = await ControlPlane.start({ onProgress: (line) => say(`  ${line}`) });
  const cleanups: Array<() => Promise<void>> = [() => plane.stop()];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    say(
      "starting the Azure emulator (demo tenant, subscription, vaults and secret; the operator identity's roles)",
    );
    // The operator's Azure roles as an admin would give them, so `logicops doctor` finds them.
    const emulator = await startEmulator({
      seed: { ...demoSeed(), roleAssignments: demoOperatorRoleAssignments() },
      port: 0,
    });
    cleanups.push(() => emulator.close());
    // The operator runs in this process: trust the emulator's CA for its SDK clients.
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), emulator.caCertPem]);

    say('installing the CRDs and the demo namespace');
    await plane.kubectl(['apply', '--server-side', '-f', '-'], allCrds().map(crdYaml).join('---\n'));
    const crdNames = allCrds().map((crd) => `crd/${crd.metadata.name}`);
    await plane.kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...crdNames]);
    const subscription = `/subscriptions/${emulator.subscriptionId}`;
    await plane.kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: DEMO_NAMESPACE,
          annotations: demoNamespaceAnnotations(subscription),
        },
      }),
    );

    const logFile = path.join(os.tmpdir(), `logicops-dev-operator-${process.pid}.log`);
    say(`starting the operator (log: ${logFile})`);
    const config = loadConfig(
      [
        '--namespaces',
        DEMO_NAMESPACE,
        '--arm-endpoint',
        emulator.armEndpoint,
        '--authority-host',
        emulator.authorityHost,
        '--health-port',
        '0',
        '--metrics-port',
        '0',
        '--resync-period',
        '1m',
        '--shutdown-grace',
        '5s',
        // The emulator replicates principals at once: dev mode does not wait the 60 s a real
        // cluster waits before a binding's Ready (docs/operations.md, "Principal propagation hold").
        '--principal-propagation-hold',
        '0s',
      ],
      {
        AZURE_TENANT_ID: emulator.tenantId,
        AZURE_CLIENT_ID: DEMO_OPERATOR_CLIENT_ID,
        AZURE_CLIENT_SECRET: DEMO_OPERATOR_CLIENT_SECRET,
      },
    );
    const logger = pino(
      { name: 'logicops', level: 'info' },
      pino.destination({ dest: logFile, sync: false }),
    );
    const operator = await createOperator({
      config,
      kubeConfig: plane.adminKubeConfig(),
      logger,
      instance: 'dev',
    });
    const running = operator.run();
    running.catch(() => undefined);
    cleanups.push(() => operator.stop());

    say('applying the samples (config/samples)');
    for (const file of sampleFiles()) {
      await plane.kubectl(['apply', '-n', DEMO_NAMESPACE, '-f', file]);
    }

    say('\nprogress (Ctrl-C to stop):');
    const allReady = await watchProgress(plane, say, exitWhenReady ? 600_000 : Number.POSITIVE_INFINITY);
    say(
      allReady
        ? `\nall objects Ready in ${((Date.now() - started) / 1000).toFixed(1)} s`
        : '\nnot every object became Ready: see the table above and the operator log',
    );
    say('\nUse it with kubectl:');
    say(`  export KUBECONFIG=${plane.kubeconfigPath}`);
    say(`  ${plane.binaries.kubectl} get logicops -n ${DEMO_NAMESPACE}`);
    say(`  ${plane.binaries.kubectl} describe law -n ${DEMO_NAMESPACE}`);
    say(`Azure emulator: ${emulator.armEndpoint} (state: ${emulator.adminEndpoint}/state)`);
    // The demo secret is not printed: packages/azure-emulator/README.md names it (DEMO_OPERATOR_CLIENT_SECRET).
    say(
      '\nCheck it with logicops doctor (AZURE_CLIENT_SECRET: the demo secret, packages/azure-emulator/README.md):',
    );
    say(
      `  NODE_EXTRA_CA_CERTS=${emulator.caCertPath} AZURE_TENANT_ID=${emulator.tenantId} AZURE_CLIENT_ID=${DEMO_OPERATOR_CLIENT_ID} AZURE_CLIENT_SECRET=... \\\n` +
        `    node bin/logicops.mjs doctor --kubeconfig ${plane.kubeconfigPath} --namespaces ${DEMO_NAMESPACE} --arm-endpoint ${emulator.armEndpoint} --authority-host ${emulator.authorityHost}`,
    );
    if (exitWhenReady) return allReady ? 0 : 1;

    say('\nPress Ctrl-C to stop.');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    say('\nstopping…');
    return 0;
  } finally {
    await stopAll();
    say('stopped.');
  }
}

function sampleFiles(): string[] {
  const dir = path.join(repoRoot, 'config/samples');
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => path.join(dir, file));
}

/** Prints the table whenever it changes; resolves when every object is Ready (or at the deadline). */
async function watchProgress(
  plane: ControlPlane,
  say: (line: string) => void,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const rows = await readRows(plane).catch(() => [] as ObjectRow[]);
    const table = renderProgress(rows);
    if (table !== last) {
      say(table);
      last = table;
    }
    if (rows.length > 0 && rows.every((row) => row.ready === 'True')) return true;
    await sleep(1000);
  }
  return false;
}

async function readRows(plane: ControlPlane): Promise<ObjectRow[]> {
  const { stdout } = await plane.kubectl(['get', 'logicops', '-n', DEMO_NAMESPACE, '-o', 'json']);
  const list = JSON.parse(stdout) as {
    items: Array<{
      kind: string;
      metadata: { name: string };
      status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
    }>;
  };
  return list.items.map((item) => {
    const ready = item.status?.conditions?.find((c) => c.type === 'Ready');
    return {
      kind: item.kind,
      name: item.metadata.name,
      ready: ready?.status ?? 'Unknown',
      reason: ready?.reason ?? '',
      message: ready?.message ?? 'waiting for the first reconcile',
    };
  });
}
