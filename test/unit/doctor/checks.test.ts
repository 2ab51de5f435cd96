// The doctor's pure checks: which scopes it asks ARM about, which access reviews it asks the API
// server, what it says about namespaces and quota, and how it prints.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.ts';
import type { LogicAppConnection, LogicAppWorkflow, VaultSecretBinding } from '../../../src/crds/index.ts';
import { namespacePolicyRows } from '../../../src/doctor/namespace-check.ts';
import { quotaRows } from '../../../src/doctor/quota-check.ts';
import { accessQuestions, describeQuestion } from '../../../src/doctor/rbac-questions.ts';
import { exitCodeOf, renderTable, report } from '../../../src/doctor/report.ts';
import { scopesToCheck } from '../../../src/doctor/scopes.ts';
import { RBAC_NEEDS } from '../../../src/rbac-needs.ts';

const SUB = '5ab1e0c5-1d2e-4f3a-8b4c-10c1c0a5d3e1';
const RG = `/subscriptions/${SUB}/resourceGroups/team-a`;
const VAULT = `${RG}/providers/Microsoft.KeyVault/vaults/team-a-kv`;
const IDENTITY = `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shared`;
const ENV = { AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's' };

const workflow = (spec: Partial<LogicAppWorkflow['spec']>) => ({ spec }) as Pick<LogicAppWorkflow, 'spec'>;
const binding = (vaultId: string) => ({ spec: { vaultId } }) as Pick<VaultSecretBinding, 'spec'>;

describe('scopesToCheck', () => {
  it('marks a resource group whose workflow has spec.callbackUrl, whichever workflow named it first', () => {
    const { scopes } = scopesToCheck(
      [
        workflow({ subscriptionId: SUB, resourceGroup: 'team-a', identity: { type: 'None' } }),
        workflow({
          subscriptionId: SUB,
          resourceGroup: 'team-a',
          identity: { type: 'None' },
          callbackUrl: { secretName: 's', secretKey: 'url' },
        }),
        workflow({ subscriptionId: SUB, resourceGroup: 'team-b', identity: { type: 'None' } }),
      ],
      [],
      [],
    );
    expect(
      scopes.map((scope) => [scope.id, scope.kind === 'resourceGroup' && scope.callbackUrls === true]),
    ).toEqual([
      [RG, true],
      [`/subscriptions/${SUB}/resourceGroups/team-b`, false],
    ]);
  });

  it('marks a resource group holding a LogicAppConnection, and adds one only connections use', () => {
    const connection = (resourceGroup: string) =>
      ({ spec: { subscriptionId: SUB, resourceGroup } }) as Pick<LogicAppConnection, 'spec'>;
    const { scopes } = scopesToCheck(
      [workflow({ subscriptionId: SUB, resourceGroup: 'team-a', identity: { type: 'None' } })],
      [],
      [],
      [connection('TEAM-A'), connection('team-c')],
    );
    expect(
      scopes.map((scope) => [scope.id, scope.kind === 'resourceGroup' && scope.connections === true]),
    ).toEqual([
      [RG, true],
      [`/subscriptions/${SUB}/resourceGroups/team-c`, true],
    ]);
  });

  it('checks each group, identity and vault the objects use, and the annotations naming one scope, once', () => {
    const { scopes, globs } = scopesToCheck(
      [
        workflow({ subscriptionId: SUB, resourceGroup: 'team-a', identity: { type: 'SystemAssigned' } }),
        workflow({
          subscriptionId: SUB,
          resourceGroup: 'TEAM-A',
          identity: { type: 'UserAssigned', userAssignedIdentityId: IDENTITY },
        }),
      ],
      [binding(VAULT), binding(VAULT.toUpperCase().replace('/SUBSCRIPTIONS', '/subscriptions'))],
      [
        {
          name: 'team-a',
          annotations: {
            'logicops.io/allowed-resource-groups': `${RG}, /subscriptions/${SUB}/resourceGroups/team-b, /subscriptions/${SUB}/resourceGroups/team-*`,
            'logicops.io/allowed-vaults': `${RG}/providers/Microsoft.KeyVault/vaults/*`,
          },
        },
      ],
    );
    expect(scopes.map((scope) => [scope.kind, scope.id])).toEqual([
      ['resourceGroup', RG],
      ['vault', VAULT],
      ['userAssignedIdentity', IDENTITY],
      ['resourceGroup', `/subscriptions/${SUB}/resourceGroups/team-b`],
    ]);
    expect(globs).toEqual([
      `/subscriptions/${SUB}/resourceGroups/team-*`,
      `${RG}/providers/Microsoft.KeyVault/vaults/*`,
    ]);
  });
});

describe('accessQuestions', () => {
  const inNamespace = (namespace: string, spec: Partial<LogicAppWorkflow['spec']>) =>
    ({ metadata: { name: 'wf', namespace }, spec }) as Pick<LogicAppWorkflow, 'metadata' | 'spec'>;
  const PARAMETERS_FROM = { key: { secretKeyRef: { name: 'partner', key: 'apiKey' } } };
  const CALLBACK_URL = { secretName: 'callback', secretKey: 'url' };

  it('asks every need in every watched namespace, the records namespace and (with leader election) the Lease by name', () => {
    const config = loadConfig(
      [
        '--namespaces',
        'team-a,team-b',
        '--leader-elect',
        '--leader-election-namespace',
        'ops',
        '--records-namespace',
        'records',
      ],
      ENV,
    );
    // Both namespaces use both features, so every Secret need applies in both.
    const workflows = ['team-a', 'team-b'].map((namespace) =>
      inNamespace(namespace, { parametersFrom: PARAMETERS_FROM, callbackUrl: CALLBACK_URL }),
    );
    const { questions, skipped } = accessQuestions(config, workflows);
    const asked = questions.map(describeQuestion);
    expect(asked).toContain('patch logicops.io/logicappworkflows/status in team-a');
    expect(asked).toContain('watch core/configmaps in team-b');
    expect(asked).toContain('list core/namespaces cluster-wide');
    expect(asked).toContain('update coordination.k8s.io/leases named logicops-leader in ops');
    expect(asked).toContain('create coordination.k8s.io/leases in ops');
    expect(asked).toContain('delete core/configmaps in records');
    expect(asked).toContain('create core/secrets in team-b');
    expect(asked).toContain('get core/secrets in team-a');
    expect(asked.filter((q) => q.includes('core/secrets') && q.endsWith('cluster-wide'))).toEqual([]);
    expect(skipped.map((s) => `${s.need.resource} ${s.need.scope}`)).toEqual([
      'secrets credential',
      'serviceaccounts/token credential',
    ]);
    // Every verb of every need that applies is asked.
    const verbs = RBAC_NEEDS.filter((need) => need.scope !== 'credential').reduce(
      (sum, need) =>
        sum + need.verbs.length * (need.scope === 'watched' || need.scope === 'workflowSecrets' ? 2 : 1),
      0,
    );
    expect(questions).toHaveLength(verbs);
  });

  it('asks for Secrets where workflows use them: get for spec.parametersFrom, get/create/patch/delete for spec.callbackUrl, nowhere else', () => {
    // Every namespace watched: the chart grants no Secret anywhere by default, so the namespaces
    // to ask are those whose workflows need them.
    const workflows = [
      inNamespace('team-params', { parametersFrom: PARAMETERS_FROM }),
      inNamespace('team-callback', { callbackUrl: CALLBACK_URL }),
      inNamespace('team-plain', {}),
      inNamespace('team-empty', { parametersFrom: {} }),
    ];
    const { questions } = accessQuestions(loadConfig([], ENV), workflows);
    expect(
      questions
        .map(describeQuestion)
        .filter((q) => q.includes('core/secrets'))
        .sort(),
    ).toEqual([
      'create core/secrets in team-callback',
      'delete core/secrets in team-callback',
      'get core/secrets in team-callback',
      'get core/secrets in team-params',
      'patch core/secrets in team-callback',
    ]);
  });

  it('skips the Lease without leader election and asks cluster-wide when every namespace is watched', () => {
    const { questions, skipped } = accessQuestions(loadConfig([], ENV), []);
    expect(skipped.map((s) => `${s.need.resource} ${s.why}`)).toContain(
      'leases leader election is off (--leader-elect not set)',
    );
    expect(questions.map(describeQuestion)).toContain('list logicops.io/vaultsecretbindings cluster-wide');
    expect(questions.map(describeQuestion)).toContain('patch core/configmaps in default');
    // No workflow uses Secrets: none asked, and never cluster-wide (the chart grants them per listed namespace only).
    expect(questions.map(describeQuestion).filter((q) => q.includes('core/secrets'))).toEqual([]);
    expect(skipped.map((s) => s.why)).toContain(
      'no watched LogicAppWorkflow has spec.callbackUrl; the chart grants Secrets only in the namespaces of workflowSecrets.namespaces, never cluster-wide',
    );
    expect(skipped.map((s) => s.why)).toContain(
      'no watched LogicAppWorkflow has spec.parametersFrom or spec.callbackUrl; the chart grants Secrets only in the namespaces of workflowSecrets.namespaces, never cluster-wide',
    );
  });

  it('skips the Secret questions when the workflows could not be listed', () => {
    const { questions, skipped } = accessQuestions(loadConfig([], ENV), undefined);
    expect(questions.map(describeQuestion).filter((q) => q.includes('core/secrets'))).toEqual([]);
    expect(skipped.filter((s) => s.need.scope === 'workflowSecrets').map((s) => s.why)).toEqual([
      'the LogicAppWorkflows could not be listed, so where they use Secrets is unknown',
      'the LogicAppWorkflows could not be listed, so where they use Secrets is unknown',
    ]);
  });
});

describe('namespacePolicyRows', () => {
  const counts = {
    workflows: new Map([
      ['team-a', 2],
      ['team-b', 1],
    ]),
    bindings: new Map([['team-b', 3]]),
  };
  it('fails each namespace whose objects lack the annotation they need', () => {
    const rows = namespacePolicyRows(
      true,
      [
        { name: 'team-a', annotations: { 'logicops.io/allowed-resource-groups': RG } },
        { name: 'team-b', annotations: { 'logicops.io/allowed-resource-groups': RG } },
      ],
      counts,
    );
    expect(rows.map((row) => [row.status, row.target])).toEqual([['fail', 'team-b']]);
    expect(rows[0]?.detail).toContain('no logicops.io/allowed-vaults (3 VaultSecretBindings)');
  });
  it('asks for both role-grant annotations where WorkflowRoleAssignments live', () => {
    const rows = namespacePolicyRows(
      true,
      [{ name: 'team-c', annotations: { 'logicops.io/allowed-role-scopes': RG } }],
      { workflows: new Map(), bindings: new Map(), roleAssignments: new Map([['team-c', 1]]) },
    );
    expect(rows.map((row) => [row.status, row.target])).toEqual([['fail', 'team-c']]);
    expect(rows[0]?.detail).toContain('no logicops.io/allowed-roles (1 WorkflowRoleAssignment)');
    expect(rows[0]?.detail).not.toContain('allowed-role-scopes');
  });
  it('asks for the resource-group annotation where LogicAppConnections live, counted with the workflows', () => {
    const rows = namespacePolicyRows(true, [{ name: 'team-d', annotations: {} }], {
      workflows: new Map([['team-d', 1]]),
      bindings: new Map(),
      connections: new Map([
        ['team-d', 2],
        ['team-e', 1],
      ]),
    });
    expect(rows.map((row) => [row.status, row.target])).toEqual([
      ['fail', 'team-d'],
      ['fail', 'team-e'],
    ]);
    expect(rows[0]?.detail).toContain(
      'no logicops.io/allowed-resource-groups (1 LogicAppWorkflow, 2 LogicAppConnections)',
    );
    expect(rows[1]?.detail).toContain('no logicops.io/allowed-resource-groups (1 LogicAppConnection)');
  });
  it('passes with every namespace annotated, or the policy off', () => {
    const annotated = { 'logicops.io/allowed-resource-groups': RG, 'logicops.io/allowed-vaults': VAULT };
    expect(
      namespacePolicyRows(
        true,
        [
          { name: 'team-a', annotations: annotated },
          { name: 'team-b', annotations: annotated },
        ],
        counts,
      ),
    ).toMatchObject([{ status: 'ok' }]);
    expect(namespacePolicyRows(false, [], counts)).toMatchObject([
      { status: 'ok', detail: expect.stringContaining('disabled') },
    ]);
  });
});

describe('quotaRows', () => {
  const quota = loadConfig(['--quota-access-policies-per-vault', '10'], ENV).quota;
  it('fails at the configured limit, warns from 90 %, names the flag', () => {
    const rows = quotaRows(quota, [
      { status: { quota: [{ name: 'AccessPoliciesPerVault', scope: VAULT, used: 10, limit: 1024 }] } },
      { status: { quota: [{ name: 'AccessPoliciesPerVault', scope: `${VAULT}2`, used: 9, limit: 1024 }] } },
      {
        status: {
          quota: [
            {
              name: 'WorkflowsPerRegion',
              scope: `/subscriptions/${SUB}/locations/westeurope`,
              used: 3,
              limit: 1000,
            },
          ],
        },
      },
    ]);
    expect(rows.map((row) => [row.status, row.target])).toEqual([
      ['fail', VAULT],
      ['warn', `${VAULT}2`],
    ]);
    expect(rows[0]?.detail).toContain('10 of 10 used');
    expect(rows[0]?.detail).toContain('--quota-access-policies-per-vault');
  });
  it('passes below 90 %', () => {
    expect(
      quotaRows(quota, [
        { status: { quota: [{ name: 'AccessPoliciesPerVault', scope: VAULT, used: 1, limit: 1024 }] } },
      ]),
    ).toMatchObject([{ status: 'ok' }]);
  });
});

describe('report', () => {
  it('exits 1 on a failure only, and prints an aligned table with a summary', () => {
    const ok = report([
      { check: 'kubernetes', target: 'https://api', status: 'ok', detail: 'answers' },
      { check: 'quota', target: VAULT, status: 'warn', detail: '95 %' },
    ]);
    expect(exitCodeOf(ok)).toBe(0);
    expect(renderTable(ok).split('\n').at(-1)).toBe('all checks passed (1 warning)');
    const failed = report([
      ...ok.rows,
      { check: 'crd', target: 'x', status: 'fail', detail: 'not installed' },
    ]);
    expect(exitCodeOf(failed)).toBe(1);
    const lines = renderTable(failed).split('\n');
    expect(lines.at(-1)).toBe('1 check failed, 1 warning');
    // Every row's detail starts in the DETAIL column.
    const column = lines[0]?.indexOf('DETAIL') ?? -1;
    expect(lines[0]).toMatch(/^STATUS {2}CHECK +TARGET +DETAIL$/);
    expect(lines.slice(1, 4).map((line) => line.slice(column))).toEqual(['answers', '95 %', 'not installed']);
    expect(lines.slice(1, 4).map((line) => line.split(/ +/)[0])).toEqual(['OK', 'WARN', 'FAIL']);
  });
});
