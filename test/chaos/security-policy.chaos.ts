// Issue 13, security: a tenant namespace cannot bind a vault (or deploy into a resource group)
// outside its policy — judged from the emulator, which must hold no grant and no workflow there —
// and the operator's ServiceAccount, with exactly the RBAC the Helm chart renders, cannot read
// Secrets outside the namespaces it is configured for.

import { DEMO_RESOURCE_GROUP, DEMO_SUBSCRIPTION_ID } from '@logicops/azure-emulator';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ALLOWED_RESOURCE_GROUPS_ANNOTATION, ALLOWED_VAULTS_ANNOTATION } from '../../src/vocabulary.ts';
import { kubectl } from '../integration/support/cluster.ts';
import { helmTemplate, packagingTools } from '../support/packaging-tools.ts';
import { armKey } from './oracle/azure-oracle.ts';
import { scanMaterial } from './security/collect.ts';
import { printFigures } from './support/figures.ts';
import { createAll, createNamespace, type KubeObject, listObjects } from './support/kube.ts';
import { type ChaosSuite, startChaosSuite } from './support/suite.ts';
import { CHAOS_RESOURCE_GROUP, type Manifest } from './support/world.ts';

const CLUSTER_ID = 'chaos-policy';

describe('security: namespace policy and the operator ServiceAccount', () => {
  let suite: ChaosSuite | undefined;

  afterAll(async () => {
    await suite?.close();
  });

  it('keeps a tenant namespace inside its allowed vaults and resource groups', async () => {
    const started = Date.now();
    const rg = `/subscriptions/${DEMO_SUBSCRIPTION_ID}/resourceGroups/${CHAOS_RESOURCE_GROUP}`;
    const vault = (name: string) => `${rg}/providers/Microsoft.KeyVault/vaults/${name}`;
    suite = await startChaosSuite({
      clusterId: CLUSTER_ID,
      namespacePrefix: 'chaos-tenant',
      workflows: 2,
      // The tenant may use one resource group and one vault, nothing else.
      annotations: {
        [ALLOWED_RESOURCE_GROUPS_ANNOTATION]: rg,
        [ALLOWED_VAULTS_ANNOTATION]: vault('chaos-ap-0'),
      },
    });
    const { world, azure, emulator, namespace, logFile } = suite;
    const [inside] = world.workflows;
    if (!inside) throw new Error('world without workflows');
    const outsideGroup: Manifest = {
      ...structuredClone(inside),
      metadata: { name: 'wf-outside-rg', namespace },
      spec: { ...structuredClone(inside.spec), resourceGroup: DEMO_RESOURCE_GROUP },
    };
    const binding = (name: string, vaultName: string): Manifest => ({
      apiVersion: inside.apiVersion,
      kind: 'VaultSecretBinding',
      metadata: { name, namespace },
      spec: { workflowRef: { name: inside.metadata.name }, vaultId: vault(vaultName), secretName: 's0' },
    });
    const objects = [
      inside,
      outsideGroup,
      binding('allowed', 'chaos-ap-0'),
      binding('other-ap-vault', 'chaos-ap-1'),
      binding('other-rbac-vault', 'chaos-rbac-1'),
    ];
    const operator = await suite.startOperator();
    await createAll(objects);
    const reasonOf = (o: KubeObject | undefined) => {
      const ready = o?.status?.conditions?.find((c) => c.type === 'Ready');
      const stalled = o?.status?.conditions?.find((c) => c.type === 'Stalled');
      return `${ready?.status ?? '?'}/${ready?.reason ?? '?'}/stalled=${stalled?.status ?? '-'}`;
    };
    const expected: Record<string, string> = {
      [inside.metadata.name]: 'True/Succeeded/stalled=-',
      'wf-outside-rg': 'False/NamespacePolicyDenied/stalled=True',
      allowed: 'True/Succeeded/stalled=-',
      'other-ap-vault': 'False/NamespacePolicyDenied/stalled=True',
      'other-rbac-vault': 'False/NamespacePolicyDenied/stalled=True',
    };
    let observed: Record<string, string> = {};
    let all: KubeObject[] = [];
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      all = [
        ...(await listObjects(namespace, 'LogicAppWorkflow')),
        ...(await listObjects(namespace, 'VaultSecretBinding')),
      ];
      observed = Object.fromEntries(all.map((o) => [o.metadata.name, reasonOf(o)]));
      if (
        JSON.stringify(observed, Object.keys(expected).sort()) ===
        JSON.stringify(expected, Object.keys(expected).sort())
      )
        break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(observed).toEqual(expected);

    // Azure: the allowed grant exists; nothing in the forbidden vaults or resource group.
    const workflowRecord =
      emulator.state.workflows[armKey(`${rg}/providers/Microsoft.Logic/workflows/${inside.metadata.name}`)];
    const principal =
      workflowRecord?.identity?.type === 'SystemAssigned' ? workflowRecord.identity.principalId : '';
    expect(principal).not.toBe('');
    const entriesFor = (name: string) =>
      emulator.state.vaults[armKey(vault(name))]?.accessPolicies.filter((e) => e.objectId === principal) ??
      [];
    expect(entriesFor('chaos-ap-0')).toHaveLength(1);
    expect(entriesFor('chaos-ap-1')).toEqual([]);
    const rbacAssignments = Object.values(emulator.state.roleAssignments).filter((a) =>
      armKey(a.scope).startsWith(armKey(vault('chaos-rbac-1'))),
    );
    expect(rbacAssignments).toEqual([]);
    const demoWorkflows = Object.values(emulator.state.workflows).filter(
      (w) => w.resourceGroup === DEMO_RESOURCE_GROUP,
    );
    expect(demoWorkflows).toEqual([]);
    const forbiddenWrites = emulator
      .requests()
      .filter(
        (r) =>
          r.plane === 'arm' &&
          r.kind !== 'read' &&
          (r.path.toLowerCase().includes('chaos-ap-1') ||
            r.path.toLowerCase().includes('chaos-rbac-1') ||
            r.path.toLowerCase().includes(`/resourcegroups/${DEMO_RESOURCE_GROUP}/`)),
      );
    expect(forbiddenWrites).toEqual([]);

    const metrics = await operator.scrapeMetrics();
    await operator.stop();
    const scan = await scanMaterial([...world.secretNeedles, ...azure.credentialNeedles()], {
      logFiles: [logFile],
      namespaces: [namespace],
      metrics: [metrics],
      emulators: [emulator],
    });
    printFigures({
      suite: 'security: tenant policy',
      scale: 'fixed',
      objects: objects.length,
      deniedByPolicy: Object.values(observed).filter((r) => r.includes('NamespacePolicyDenied')).length,
      forbiddenArmWrites: forbiddenWrites.length,
      haystacks: scan.haystacks.length,
      bytesScanned: scan.haystackBytes,
      leaks: scan.leaks.length,
      durationMs: Date.now() - started,
    });
    expect(scan.leaks).toEqual([]);
  });

  it("gives the chart's ServiceAccount no read of Secrets outside its configured namespaces", async () => {
    const { helm } = await packagingTools();
    const release = await createNamespace('chaos-release', {});
    const watched = await createNamespace('chaos-watched', {});
    const elsewhere = await createNamespace('chaos-elsewhere', {});
    const rendered = parseAllDocuments(
      await helmTemplate(helm, { watchNamespaces: `{${watched}}` }, ['--namespace', release]),
    )
      .map((d) => d.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string } } | null)
      .filter((o): o is { kind: string; metadata: { name: string; namespace?: string } } => Boolean(o?.kind));
    const rbacKinds = ['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'];
    const rbac = rendered.filter((o) => rbacKinds.includes(o.kind));
    expect(rbac.some((o) => o.kind === 'ServiceAccount')).toBe(true);
    await kubectl(['apply', '-f', '-'], rbac.map((o) => JSON.stringify(o)).join('\n'));
    const account = rbac.find((o) => o.kind === 'ServiceAccount');
    const subject = `system:serviceaccount:${account?.metadata.namespace ?? release}:${account?.metadata.name ?? ''}`;
    const canI = async (verb: string, namespace?: string) => {
      const args = [
        'auth',
        'can-i',
        verb,
        'secrets',
        '--as',
        subject,
        ...(namespace ? ['-n', namespace] : ['--all-namespaces']),
      ];
      const result = await kubectl(args).then(
        (r) => r.stdout.trim(),
        (e: { stdout?: string }) => (e.stdout ?? '').trim(),
      );
      return result;
    };
    const answers: Record<string, string> = {};
    for (const verb of ['get', 'list', 'watch']) {
      for (const [label, namespace] of [
        ['elsewhere', elsewhere],
        ['release', release],
        ['watched', watched],
        ['all namespaces', undefined],
      ] as const) {
        answers[`${verb} secrets in ${label}`] = await canI(verb, namespace);
      }
    }
    // Sanity: the account really got the chart's permissions (else every "no" proves nothing).
    const canWatchWorkflows = await kubectl([
      'auth',
      'can-i',
      'watch',
      'logicappworkflows.logicops.io',
      '--as',
      subject,
      '-n',
      watched,
    ]).then(
      (r) => r.stdout.trim(),
      (e: { stdout?: string }) => (e.stdout ?? '').trim(),
    );
    printFigures({
      suite: 'security: operator ServiceAccount',
      scale: 'fixed',
      subject,
      canWatchWorkflows,
      ...answers,
      durationMs: 0,
    });
    expect(canWatchWorkflows).toBe('yes');
    // Only get, by name, in the watched namespace: the workflow-Secret Role (spec.parametersFrom,
    // spec.callbackUrl) the chart renders there by default. Never list or watch, never elsewhere.
    const expected = Object.fromEntries(
      Object.keys(answers).map((key) => [key, key === 'get secrets in watched' ? 'yes' : 'no']),
    );
    expect(answers).toEqual(expected);
  });
});
