// Who the installed chart's subjects are and what the API server lets them do: the operator's
// ServiceAccount is the subject the install notes tell a platform team to federate, its Lease
// rights are pinned to its own Lease, and a team bound to the chart's team role can manage the
// two kinds but not their status. A private control plane, since the chart owns the CRDs.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ControlPlane } from '@logicops/control-plane';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIC_APP_WORKFLOW_RESOURCE } from '../../../src/controllers/resource-kinds.ts';
import { KubeClient, PatchStrategy } from '../../../src/runtime/kube-client.ts';
import { chartDir } from '../../support/packaging-tools.ts';
import { type Helm, helmFor } from './support/helm.ts';
import {
  type ServiceAccountKubeConfig,
  serviceAccountKubeConfig,
} from './support/service-account-kubeconfig.ts';

const execFileAsync = promisify(execFile);

// A release name without "logicops" in it: the ServiceAccount is then `<release>-logicops`,
// which the docs once confused with the release name.
const RELEASE = 'platform';
const RELEASE_NAMESPACE = 'platform-system';
const TEAM = 'team-a';
const OTHER_TEAM = 'team-b';
const TEAM_ACCOUNT = 'deployer';
// A second release, sharded: it watches the two team namespaces, so it gets workflow Secrets there.
const SHARDED = 'sharded';
const SHARDED_NAMESPACE = 'sharded-system';
const OPERATOR = `system:serviceaccount:${RELEASE_NAMESPACE}:${RELEASE}-logicops`;
const SHARDED_OPERATOR = `system:serviceaccount:${SHARDED_NAMESPACE}:${SHARDED}-logicops`;
const SECRET_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
const CLIENT_ID = '00000000-0000-0000-0000-0000000000c1';

let plane: ControlPlane;
let helm: Helm;
let team: ServiceAccountKubeConfig;

interface ServiceAccount {
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
}

/** `kubectl auth can-i` as `subject`: "yes" or "no" (can-i exits 1 on "no"). */
async function canI(subject: string, args: string[]): Promise<string> {
  return plane.kubectl(['auth', 'can-i', ...args, '--as', subject]).then(
    (result) => result.stdout.trim(),
    (error: { stdout?: string }) => (error.stdout ?? '').trim(),
  );
}

/** kubectl authenticated with the team ServiceAccount's own bound token (no admin in the way). */
function asTeam(args: string[], input?: string): Promise<{ stdout: string; stderr: string }> {
  const pending = execFileAsync(plane.binaries.kubectl, ['--kubeconfig', team.path, ...args]);
  pending.child.stdin?.end(input ?? '');
  return pending;
}

const workflow = (name: string) =>
  JSON.stringify({
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'LogicAppWorkflow',
    metadata: { name, namespace: TEAM },
    spec: {
      subscriptionId: '5ab1e0c5-1d2e-4f3a-8b4c-10c1c0a5d3e1',
      resourceGroup: 'team-a-rg',
      location: 'westeurope',
      definitionFrom: { configMapKeyRef: { name: 'team-definition', key: 'definition.json' } },
    },
  });

beforeAll(async () => {
  plane = await ControlPlane.start();
  helm = await helmFor(plane.kubeconfigPath);
  for (const namespace of [RELEASE_NAMESPACE, SHARDED_NAMESPACE, TEAM, OTHER_TEAM]) {
    await plane.kubectl(['create', 'namespace', namespace]);
  }
  await helm.run([
    'install',
    RELEASE,
    chartDir,
    '--namespace',
    RELEASE_NAMESPACE,
    '--set',
    `azure.workloadIdentity.enabled=true,azure.clientId=${CLIENT_ID},teamRole.enabled=true`,
    // Per-namespace credentials: a client secret for one team, workload identity for the other.
    '--set',
    `azure.namespaceCredentials[0].namespace=${TEAM},azure.namespaceCredentials[0].secretName=team-azure`,
    '--set',
    `azure.namespaceCredentials[1].namespace=${OTHER_TEAM},azure.namespaceCredentials[1].secretName=team-azure,azure.namespaceCredentials[1].serviceAccount=team-wi`,
  ]);
  await helm.run([
    'install',
    SHARDED,
    chartDir,
    '--namespace',
    SHARDED_NAMESPACE,
    '--set',
    `crds.install=false,watchNamespaces={${TEAM},${OTHER_TEAM}}`,
  ]);
  await plane.kubectl([
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/logicappworkflows.logicops.io',
    'crd/vaultsecretbindings.logicops.io',
    'crd/workflowroleassignments.logicops.io',
    'crd/logicappconnections.logicops.io',
  ]);
  // A team's CI identity, bound to the team role in its own namespace only.
  await plane.kubectl(['create', 'serviceaccount', TEAM_ACCOUNT, '-n', TEAM]);
  await plane.kubectl([
    'create',
    'rolebinding',
    'logicops-team',
    `--clusterrole=${RELEASE}-logicops-team`,
    `--serviceaccount=${TEAM}:${TEAM_ACCOUNT}`,
    '-n',
    TEAM,
  ]);
  team = await serviceAccountKubeConfig(plane, TEAM, TEAM_ACCOUNT);
}, 900_000);

afterAll(async () => {
  await plane?.stop();
});

describe('the installed chart: the operator ServiceAccount', () => {
  it('the install notes name the federated credential subject of the ServiceAccount the Deployment runs as', async () => {
    const { stdout: notes } = await helm.run(['get', 'notes', RELEASE, '-n', RELEASE_NAMESPACE]);
    const subjects = [...notes.matchAll(/system:serviceaccount:[^\s\\]+/g)].map(([subject]) => subject);
    expect(subjects.length).toBeGreaterThan(0);

    const deployment = JSON.parse(
      (
        await plane.kubectl([
          'get',
          'deployment',
          `${RELEASE}-logicops`,
          '-n',
          RELEASE_NAMESPACE,
          '-o',
          'json',
        ])
      ).stdout,
    ) as { spec: { template: { spec: { serviceAccountName: string } } } };
    const accountName = deployment.spec.template.spec.serviceAccountName;
    const account = JSON.parse(
      (await plane.kubectl(['get', 'serviceaccount', accountName, '-n', RELEASE_NAMESPACE, '-o', 'json']))
        .stdout,
    ) as ServiceAccount;
    const subject = `system:serviceaccount:${account.metadata.namespace}:${account.metadata.name}`;
    expect(subject).toBe(`system:serviceaccount:${RELEASE_NAMESPACE}:${RELEASE}-logicops`);
    expect(new Set(subjects)).toEqual(new Set([subject]));
    expect(notes).toContain(`--subject ${subject} --audience api://AzureADTokenExchange`);
    expect(account.metadata.annotations?.['azure.workload.identity/client-id']).toBe(CLIENT_ID);
  });

  it('may read and renew only its own Lease; create, which RBAC cannot pin, stays open in its namespace', async () => {
    const operator = OPERATOR;
    const lease = `leases.coordination.k8s.io/${RELEASE}-logicops-leader`;
    const answers = {
      'get own': await canI(operator, ['get', lease, '-n', RELEASE_NAMESPACE]),
      'update own': await canI(operator, ['update', lease, '-n', RELEASE_NAMESPACE]),
      create: await canI(operator, ['create', 'leases.coordination.k8s.io', '-n', RELEASE_NAMESPACE]),
      'get other': await canI(operator, [
        'get',
        'leases.coordination.k8s.io/other-leader',
        '-n',
        RELEASE_NAMESPACE,
      ]),
      'update other': await canI(operator, [
        'update',
        'leases.coordination.k8s.io/other-leader',
        '-n',
        RELEASE_NAMESPACE,
      ]),
      'patch own': await canI(operator, ['patch', lease, '-n', RELEASE_NAMESPACE]),
      'list all': await canI(operator, ['list', 'leases.coordination.k8s.io', '-n', RELEASE_NAMESPACE]),
      'update own elsewhere': await canI(operator, ['update', lease, '-n', TEAM]),
    };
    expect(answers).toEqual({
      'get own': 'yes',
      'update own': 'yes',
      create: 'yes',
      'get other': 'no',
      'update other': 'no',
      'patch own': 'no',
      'list all': 'no',
      'update own elsewhere': 'no',
    });
  });
});

describe('the installed chart: per-namespace credentials', () => {
  it("may read each team's credential Secret and mint tokens for a workload identity's ServiceAccount, by name only", async () => {
    const operator = OPERATOR;
    // A create on a subresource names its object in the path, so RBAC's resourceNames pins it.
    const token = (account: string, namespace: string) =>
      canI(operator, ['create', `serviceaccounts/${account}`, '--subresource=token', '-n', namespace]);
    const answers = {
      'get own Secret': await canI(operator, ['get', 'secrets/team-azure', '-n', TEAM]),
      // Every namespace is watched and none listed in workflowSecrets.namespaces: no other Secret.
      'get other Secret': await canI(operator, ['get', 'secrets/other', '-n', TEAM]),
      'list Secrets': await canI(operator, ['list', 'secrets', '-n', TEAM]),
      'watch Secrets': await canI(operator, ['watch', 'secrets', '-n', TEAM]),
      'token of the named ServiceAccount': await token('team-wi', OTHER_TEAM),
      'token of another ServiceAccount': await token('default', OTHER_TEAM),
      'token without a ServiceAccount entry': await token('team-wi', TEAM),
      'token elsewhere': await token('team-wi', RELEASE_NAMESPACE),
      'get the ServiceAccount': await canI(operator, ['get', 'serviceaccounts/team-wi', '-n', OTHER_TEAM]),
    };
    expect(answers).toEqual({
      'get own Secret': 'yes',
      'get other Secret': 'no',
      'list Secrets': 'no',
      'watch Secrets': 'no',
      'token of the named ServiceAccount': 'yes',
      'token of another ServiceAccount': 'no',
      'token without a ServiceAccount entry': 'no',
      'token elsewhere': 'no',
      'get the ServiceAccount': 'no',
    });
  });
});

describe('the installed chart: never a cluster-wide Secret permission', () => {
  /** Every Secret verb the subject may use cluster-wide (`--all-namespaces` asks for namespace ""). */
  async function clusterWideSecretVerbs(subject: string): Promise<string[]> {
    const allowed: string[] = [];
    for (const verb of SECRET_VERBS) {
      if ((await canI(subject, [verb, 'secrets', '--all-namespaces'])) === 'yes') allowed.push(verb);
    }
    return allowed;
  }

  it('with default values (every namespace watched): no Secret verb cluster-wide, none in a namespace nobody listed', async () => {
    // Sanity first: the subject holds the chart's cluster-wide rights, so a "no" below is RBAC's.
    expect(await canI(OPERATOR, ['watch', 'logicappworkflows.logicops.io', '--all-namespaces'])).toBe('yes');
    expect(await clusterWideSecretVerbs(OPERATOR)).toEqual([]);
    for (const namespace of ['kube-system', RELEASE_NAMESPACE, 'default']) {
      expect(await canI(OPERATOR, ['get', 'secrets/anything', '-n', namespace])).toBe('no');
    }
  });

  it('with watchNamespaces set: no Secret verb cluster-wide; the workflow-Secret verbs in each watched namespace only', async () => {
    expect(await canI(SHARDED_OPERATOR, ['watch', 'logicappworkflows.logicops.io', '-n', TEAM])).toBe('yes');
    expect(await clusterWideSecretVerbs(SHARDED_OPERATOR)).toEqual([]);
    const inNamespace = async (namespace: string) => {
      const allowed: string[] = [];
      for (const verb of SECRET_VERBS) {
        if ((await canI(SHARDED_OPERATOR, [verb, 'secrets', '-n', namespace])) === 'yes') allowed.push(verb);
      }
      return allowed;
    };
    expect(await inNamespace(TEAM)).toEqual(['get', 'create', 'patch', 'delete']);
    expect(await inNamespace(OTHER_TEAM)).toEqual(['get', 'create', 'patch', 'delete']);
    expect(await inNamespace(SHARDED_NAMESPACE)).toEqual([]);
    expect(await inNamespace('kube-system')).toEqual([]);
  });
});

describe('the installed chart: the team role', () => {
  it('lets a bound team manage the kinds and ConfigMaps in its namespace, never their status, never elsewhere', async () => {
    const subject = team.username;
    const answers: Record<string, string> = {};
    for (const kind of [
      'logicappworkflows.logicops.io',
      'vaultsecretbindings.logicops.io',
      'workflowroleassignments.logicops.io',
      'logicappconnections.logicops.io',
    ]) {
      for (const verb of ['create', 'update', 'patch', 'delete', 'list', 'watch']) {
        answers[`${verb} ${kind}`] = await canI(subject, [verb, kind, '-n', TEAM]);
      }
      for (const verb of ['patch', 'update']) {
        answers[`${verb} ${kind}/status`] = await canI(subject, [
          verb,
          kind,
          '--subresource=status',
          '-n',
          TEAM,
        ]);
      }
      answers[`create ${kind} in ${OTHER_TEAM}`] = await canI(subject, ['create', kind, '-n', OTHER_TEAM]);
    }
    answers['create configmaps'] = await canI(subject, ['create', 'configmaps', '-n', TEAM]);
    answers['get secrets'] = await canI(subject, ['get', 'secrets', '-n', TEAM]);
    answers['patch namespace'] = await canI(subject, ['patch', `namespace/${TEAM}`]);
    const expected = Object.fromEntries(
      Object.keys(answers).map((key) => [
        key,
        key.includes('/status') ||
        key.includes(OTHER_TEAM) ||
        key.includes('secrets') ||
        key.includes('namespace')
          ? 'no'
          : 'yes',
      ]),
    );
    expect(answers).toEqual(expected);
  });

  it("with the team's own token: creates a LogicAppWorkflow, and is refused a forged status", async () => {
    const { stdout } = await asTeam(['create', '-f', '-', '-o', 'name'], workflow('team-workflow'));
    expect(stdout.trim()).toBe('logicappworkflow.logicops.io/team-workflow');

    // A PATCH straight to the status subresource, as a forger would send it (kubectl would GET first).
    const forged = {
      status: { identity: { type: 'SystemAssigned', principalId: '11111111-2222-3333-4444-555555555555' } },
    };
    const teamClient = new KubeClient(team.kubeConfig);
    const target = { namespace: TEAM, name: 'team-workflow', subresource: 'status' } as const;
    const refused = await teamClient
      .patch(LOGIC_APP_WORKFLOW_RESOURCE, target, PatchStrategy.MergePatch, forged)
      .then(
        () => 'patched',
        (error: unknown) => String(error),
      );
    expect(refused).toMatch(/403|Forbidden/);
    expect(refused).toContain('logicappworkflows/status');

    // The same patch is valid: an admin's goes through, so the refusal above is RBAC's.
    await new KubeClient(plane.adminKubeConfig()).patch(
      LOGIC_APP_WORKFLOW_RESOURCE,
      target,
      PatchStrategy.MergePatch,
      forged,
    );
    // A status written through the main resource is dropped by the API server (status subresource).
    await asTeam([
      'patch',
      'logicappworkflow',
      'team-workflow',
      '-n',
      TEAM,
      '--type=merge',
      '-p',
      JSON.stringify({ status: { identity: { principalId: '99999999-2222-3333-4444-555555555555' } } }),
    ]);
    const { stdout: principal } = await plane.kubectl([
      'get',
      'logicappworkflow',
      'team-workflow',
      '-n',
      TEAM,
      '-o',
      'jsonpath={.status.identity.principalId}',
    ]);
    expect(principal).toBe('11111111-2222-3333-4444-555555555555');
  });
});
