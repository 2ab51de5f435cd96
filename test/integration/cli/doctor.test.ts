// `logicops doctor` as a platform engineer runs it: a separate process with the flags and
// environment of `logicops run`. Against a working setup (the dev environment's: CRDs, an
// annotated namespace whose samples the operator reconciled, the operator identity's Azure roles)
// every check passes; against a broken one it names each problem and exits 1.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  DEMO_ACCESS_POLICY_VAULT,
  DEMO_RBAC_VAULT,
  DEMO_RESOURCE_GROUP,
  demoOperatorRoleAssignments,
  demoSeed,
  type Emulator,
  startEmulator,
} from '@logicops/azure-emulator';
import { ControlPlane } from '@logicops/control-plane';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { allCrds, LOGIC_APP_WORKFLOW } from '../../../src/crds/index.ts';
import { crdYaml } from '../../../src/crds/render.ts';
import type { CheckRow, DoctorReport } from '../../../src/doctor/report.ts';
import { type OperatorEnv, startOperatorEnv } from '../support/operator-env.ts';
import { applySamples, waitAllReady } from '../support/samples.ts';

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../..');

interface DoctorRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function doctor(
  emulator: Emulator,
  args: string[],
  env: { kubeconfig: string; clientSecret?: string },
): Promise<DoctorRun> {
  const child = execFileAsync(
    process.execPath,
    [
      'bin/logicops.mjs',
      'doctor',
      '--kubeconfig',
      env.kubeconfig,
      '--arm-endpoint',
      emulator.armEndpoint,
      '--authority-host',
      emulator.authorityHost,
      ...args,
    ],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_EXTRA_CA_CERTS: emulator.caCertPath,
        AZURE_TENANT_ID: emulator.tenantId,
        AZURE_CLIENT_ID: emulator.operatorClientId,
        AZURE_CLIENT_SECRET: env.clientSecret ?? emulator.operatorClientSecret,
      },
    },
  );
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const rowsOf = (run: DoctorRun): CheckRow[] => (JSON.parse(run.stdout) as DoctorReport).rows;
const find = (rows: CheckRow[], check: string, target = '') =>
  rows.filter((row) => row.check === check && row.target.includes(target));

describe('logicops doctor against the dev environment', () => {
  let env: OperatorEnv;

  beforeAll(async () => {
    env = await startOperatorEnv({
      namespacePrefix: 'doctor',
      emulator: { seed: { ...demoSeed(), roleAssignments: demoOperatorRoleAssignments() } },
    });
    await applySamples(env.namespace);
    await waitAllReady(env.namespace);
  }, 120_000);
  afterAll(() => env?.stop());

  it('reports every check green and exits 0', async () => {
    const run = await doctor(env.emulator, ['--namespaces', env.namespace, '--json'], {
      kubeconfig: inject('kubeconfigPath'),
    });
    expect(run.stderr).toBe('');
    const rows = rowsOf(run);
    expect(rows.filter((row) => row.status === 'fail' || row.status === 'warn')).toEqual([]);
    expect(run.code).toBe(0);
    expect(find(rows, 'kubernetes')[0]?.status).toBe('ok');
    expect(find(rows, 'crd').map((row) => [row.target, row.status])).toEqual(
      allCrds().map((crd) => [crd.metadata.name, 'ok']),
    );
    expect(find(rows, 'rbac')[0]?.status).toBe('ok');
    expect(find(rows, 'namespace-policy')[0]?.status).toBe('ok');
    expect(find(rows, 'azure-token')[0]?.status).toBe('ok');
    expect(find(rows, 'arm')[0]?.status).toBe('ok');
    // The samples use the demo group and both vaults: each scope checked, each allowed.
    const permissions = find(rows, 'azure-permissions').filter((row) => row.target !== '');
    expect(permissions.map((row) => row.target.split('/').at(-1)).sort()).toEqual(
      [DEMO_RESOURCE_GROUP, DEMO_ACCESS_POLICY_VAULT, DEMO_RBAC_VAULT].sort(),
    );
    expect(permissions.every((row) => row.status === 'ok')).toBe(true);
    expect(find(rows, 'azure-permissions', DEMO_RBAC_VAULT)[0]?.detail).toMatch(/^RBAC vault/);
    expect(find(rows, 'quota')[0]).toMatchObject({ status: 'ok' });

    const table = await doctor(env.emulator, ['--namespaces', env.namespace], {
      kubeconfig: inject('kubeconfigPath'),
    });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^STATUS\s+CHECK\s+TARGET\s+DETAIL/);
    expect(table.stdout).toMatch(/all checks passed/);
  }, 60_000);

  it('fails azure-permissions for an identity without the roles, naming the missing actions', async () => {
    // Another emulator world: the same objects, but nobody gave the operator identity a role.
    const bare = await startEmulator({ seed: 'demo', port: 0 });
    try {
      const run = await doctor(bare, ['--namespaces', env.namespace, '--json'], {
        kubeconfig: inject('kubeconfigPath'),
      });
      expect(run.code).toBe(1);
      const rows = rowsOf(run);
      expect(find(rows, 'azure-token')[0]?.status).toBe('ok');
      expect(find(rows, 'arm')[0]).toMatchObject({ status: 'fail' });
      expect(find(rows, 'arm')[0]?.detail).toContain(bare.subscriptionId);
      const group = find(rows, 'azure-permissions', `/resourceGroups/${DEMO_RESOURCE_GROUP}`).find(
        (row) => !row.target.includes('/providers/'),
      );
      expect(group).toMatchObject({ status: 'fail' });
      expect(group?.detail).toContain('Microsoft.Logic/workflows/write');
      expect(find(rows, 'azure-permissions', DEMO_RBAC_VAULT)[0]?.detail).toContain(
        'Microsoft.Authorization/roleAssignments/write',
      );
    } finally {
      await bare.close();
    }
  }, 60_000);
});

describe('logicops doctor against a broken setup', () => {
  let plane: ControlPlane;
  let emulator: Emulator;

  beforeAll(async () => {
    // A private API server: a missing CRD would break every other test file on the shared one.
    plane = await ControlPlane.start();
    emulator = await startEmulator({
      seed: { ...demoSeed(), roleAssignments: demoOperatorRoleAssignments() },
      port: 0,
    });
    const workflowCrd = allCrds().find((crd) => crd.spec.names.kind === LOGIC_APP_WORKFLOW.kind);
    await plane.kubectl(['apply', '--server-side', '-f', '-'], crdYaml(workflowCrd!));
    await plane.kubectl([
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      `crd/${workflowCrd!.metadata.name}`,
    ]);
    // A namespace holding a workflow, without the policy annotations (nobody annotated it).
    await plane.kubectl(['create', 'namespace', 'team-unannotated']);
    await plane.kubectl(
      ['apply', '--server-side', '-n', 'team-unannotated', '-f', '-'],
      JSON.stringify({
        apiVersion: 'logicops.io/v1alpha1',
        kind: 'LogicAppWorkflow',
        metadata: { name: 'orphan' },
        spec: {
          subscriptionId: emulator.subscriptionId,
          resourceGroup: DEMO_RESOURCE_GROUP,
          location: 'westeurope',
          definition: {
            $schema:
              'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
            contentVersion: '1.0.0.0',
            triggers: {},
            actions: {},
          },
        },
      }),
    );
  }, 120_000);
  afterAll(async () => {
    await emulator?.close();
    await plane?.stop();
  });

  it('reports an unreachable API server once, and skips what needs it', async () => {
    const run = await doctor(emulator, ['--json'], {
      kubeconfig: path.join(ROOT, 'test/integration/cli/support/unreachable.kubeconfig'),
    });
    expect(run.code).toBe(1);
    const rows = rowsOf(run);
    expect(find(rows, 'kubernetes')[0]).toMatchObject({ status: 'fail', target: 'https://127.0.0.1:1' });
    for (const check of ['crd', 'rbac', 'namespace-policy'])
      expect(find(rows, check)[0]?.status).toBe('skip');
    // Azure is checked all the same.
    expect(find(rows, 'azure-token')[0]?.status).toBe('ok');
  }, 60_000);

  it('names the wrong client secret, the missing CRD and the unannotated namespace, and exits 1', async () => {
    const run = await doctor(emulator, ['--json'], {
      kubeconfig: plane.kubeconfigPath,
      clientSecret: 'not-the-secret',
    });
    expect(run.code).toBe(1);
    const rows = rowsOf(run);
    const failed = rows.filter((row) => row.status === 'fail');
    // Only the workflow CRD is installed here: every other kind's CRD is named missing.
    const missingCrds = allCrds()
      .filter((crd) => crd.spec.names.kind !== LOGIC_APP_WORKFLOW.kind)
      .map((crd) => `crd ${crd.metadata.name}`);
    expect(missingCrds).toContain('crd vaultsecretbindings.logicops.io');
    expect(failed.map((row) => `${row.check} ${row.target}`).sort()).toEqual(
      ['azure-token clientSecret', ...missingCrds, 'namespace-policy team-unannotated'].sort(),
    );
    expect(find(rows, 'azure-token')[0]?.detail).toContain('refused the client secret');
    expect(find(rows, 'crd', 'vaultsecretbindings')[0]?.detail).toContain('not installed');
    expect(find(rows, 'namespace-policy', 'team-unannotated')[0]?.detail).toContain(
      'logicops.io/allowed-resource-groups (1 LogicAppWorkflow)',
    );
    // What needs a token is skipped, not reported as more failures.
    expect(find(rows, 'arm')[0]?.status).toBe('skip');
    expect(JSON.stringify(rows)).not.toContain('not-the-secret');

    const table = await doctor(emulator, [], {
      kubeconfig: plane.kubeconfigPath,
      clientSecret: 'not-the-secret',
    });
    expect(table.code).toBe(1);
    expect(table.stdout).toContain(`${failed.length} checks failed`);
  }, 60_000);
});
