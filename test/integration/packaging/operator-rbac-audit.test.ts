// The operator's Kubernetes traffic, run with exactly the chart's ServiceAccount
// permissions (a real bound token for the chart's ServiceAccount, installed by helm), is
// checked against the API server's audit log: nothing was refused, and every verb/resource
// the chart grants was used — nothing granted in vain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlPlane } from '../../../src/controlplane/control-plane.ts';
import { RBAC_NEEDS, verbResourcePairs } from '../../../src/rbac-needs.ts';
import { chartDir } from '../../support/packaging-tools.ts';
import { binding, workflow } from '../crds/support/fixtures.ts';
import { activityOf, type UserActivity } from './support/audit-log.ts';
import { helmFor } from './support/helm.ts';
import { runRuntimeScenario } from './support/runtime-scenario.ts';
import { serviceAccountKubeConfig } from './support/service-account-kubeconfig.ts';

const RELEASE_NAMESPACE = 'logicops-system';
const WATCHED = 'team-audit';

let plane: ControlPlane;
let activity: UserActivity;

beforeAll(async () => {
  plane = await ControlPlane.start({ audit: true });
  await plane.kubectl(['create', 'namespace', RELEASE_NAMESPACE]);
  await plane.kubectl(['create', 'namespace', WATCHED]);
  const helm = await helmFor(plane.kubeconfigPath);
  // Sharded install: one watched namespace, so the per-namespace bindings are what is tested.
  await helm.run([
    'install',
    'logicops',
    chartDir,
    '-n',
    RELEASE_NAMESPACE,
    '--set',
    `watchNamespaces={${WATCHED}}`,
  ]);
  await plane.kubectl([
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/logicappworkflows.logicops.io',
    'crd/vaultsecretbindings.logicops.io',
  ]);
  for (const object of [workflow('audited'), binding('audited', 'audited')]) {
    await plane.kubectl(['create', '-n', WATCHED, '-f', '-'], JSON.stringify(object));
  }
  const account = await serviceAccountKubeConfig(plane, RELEASE_NAMESPACE, 'logicops');
  await runRuntimeScenario({
    kubeConfig: account.kubeConfig,
    watchNamespace: WATCHED,
    leaseNamespace: RELEASE_NAMESPACE,
    leaseName: 'logicops-leader',
    holdMs: 1_500,
  });
  const auditLog = plane.auditLogPath;
  if (!auditLog) throw new Error('the control plane was started without an audit log');
  activity = await activityOf(auditLog, account.username);
  process.stderr.write(
    `[rbac-audit] ${activity.requests} requests; used:\n  ${activity.used.join('\n  ')}\n`,
  );
}, 900_000);

afterAll(async () => {
  await plane?.stop();
});

describe("operator traffic under the chart's RBAC (audit log)", () => {
  it('made requests as the ServiceAccount, and none was refused', () => {
    expect(activity.requests).toBeGreaterThan(10);
    expect(activity.denied).toEqual([]);
  });

  it('used every verb/resource the chart grants (no per-namespace credentials configured)', () => {
    const granted = verbResourcePairs(RBAC_NEEDS.filter((need) => need.scope !== 'credential'));
    const unused = granted.filter((pair) => !activity.used.includes(pair));
    expect(unused).toEqual([]);
  });

  it('used nothing outside the declared needs', () => {
    const declared = verbResourcePairs(RBAC_NEEDS);
    expect(activity.used.filter((pair) => !declared.includes(pair))).toEqual([]);
  });
});
