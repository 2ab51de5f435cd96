// `logicops doctor`: every check, in the order a platform engineer fixes things (reach the
// cluster, CRDs, RBAC, namespaces, Azure token, ARM, Azure permissions, quota). A check whose
// precondition failed is skipped with the reason, not reported as a second failure.
import type { TokenCredential } from '@azure/identity';
import type { KubeConfig, KubernetesObject, V1Namespace } from '@kubernetes/client-node';
import type { OperatorConfig } from '../config.ts';
import {
  LOGIC_APP_CONNECTION_RESOURCE,
  LOGIC_APP_WORKFLOW_RESOURCE,
  NAMESPACE_RESOURCE,
  VAULT_SECRET_BINDING_RESOURCE,
  WORKFLOW_ROLE_ASSIGNMENT_RESOURCE,
} from '../controllers/resource-kinds.ts';
import {
  allCrds,
  type LogicAppConnection,
  type LogicAppWorkflow,
  type VaultSecretBinding,
  type WorkflowRoleAssignment,
} from '../crds/index.ts';
import { KubeClient, type ResourceKind } from '../runtime/kube-client.ts';
import { armRow, permissionRows, tokenRow } from './azure-checks.ts';
import { crdRows, errorText, kubernetesReachable, rbacRows } from './kubernetes-checks.ts';
import { namespacePolicyRows } from './namespace-check.ts';
import { quotaRows } from './quota-check.ts';
import { accessQuestions } from './rbac-questions.ts';
import { type CheckRow, type DoctorReport, report } from './report.ts';
import { scopesToCheck } from './scopes.ts';

export interface DoctorDependencies {
  config: OperatorConfig;
  kubeConfig: KubeConfig;
  credential: TokenCredential;
}

export async function runDoctor({
  config,
  kubeConfig,
  credential,
}: DoctorDependencies): Promise<DoctorReport> {
  const rows: CheckRow[] = [];
  const reachable = await kubernetesReachable(kubeConfig);
  rows.push(reachable);
  const kube = new KubeClient(kubeConfig);

  let workflows: LogicAppWorkflow[] = [];
  let bindings: VaultSecretBinding[] = [];
  let roleAssignments: WorkflowRoleAssignment[] = [];
  let connections: LogicAppConnection[] = [];
  let namespaces: V1Namespace[] = [];
  if (reachable.status === 'ok') {
    const crds = await crdRows(kube, allCrds());
    rows.push(...crds);
    // Listed before the RBAC questions: where workflows use Secrets is where Secrets must be granted.
    let listFailure: unknown;
    try {
      // The operator serves only the watched namespaces: other namespaces' policies are not its concern.
      namespaces = (await listAll<V1Namespace>(kube, NAMESPACE_RESOURCE, [undefined])).filter(
        (namespace) =>
          config.namespaces.length === 0 || config.namespaces.includes(namespace.metadata?.name ?? ''),
      );
      const watched = config.namespaces.length > 0 ? config.namespaces : [undefined];
      const installed = (plural: string) =>
        crds.some((row) => row.status === 'ok' && row.target.startsWith(`${plural}.`));
      if (installed(LOGIC_APP_WORKFLOW_RESOURCE.plural))
        workflows = await listAll<LogicAppWorkflow>(kube, LOGIC_APP_WORKFLOW_RESOURCE, watched);
      if (installed(VAULT_SECRET_BINDING_RESOURCE.plural))
        bindings = await listAll<VaultSecretBinding>(kube, VAULT_SECRET_BINDING_RESOURCE, watched);
      if (installed(WORKFLOW_ROLE_ASSIGNMENT_RESOURCE.plural))
        roleAssignments = await listAll<WorkflowRoleAssignment>(
          kube,
          WORKFLOW_ROLE_ASSIGNMENT_RESOURCE,
          watched,
        );
      if (installed(LOGIC_APP_CONNECTION_RESOURCE.plural))
        connections = await listAll<LogicAppConnection>(kube, LOGIC_APP_CONNECTION_RESOURCE, watched);
    } catch (error) {
      listFailure = error;
    }
    const { questions, skipped } = accessQuestions(config, listFailure ? undefined : workflows);
    rows.push(...(await rbacRows(kubeConfig, questions, skipped)));
    if (listFailure) {
      rows.push({
        check: 'namespace-policy',
        target: '',
        status: 'fail',
        detail: `could not list namespaces and objects (${errorText(listFailure)})`,
      });
    } else {
      rows.push(
        ...namespacePolicyRows(
          config.namespacePolicy,
          namespaceAnnotations(namespaces),
          objectCounts(workflows, bindings, roleAssignments, connections),
        ),
      );
    }
  } else {
    for (const check of ['crd', 'rbac', 'namespace-policy']) {
      rows.push({ check, target: '', status: 'skip', detail: 'Kubernetes is not reachable' });
    }
  }

  const token = await tokenRow(credential, config);
  rows.push(token.row);
  const { scopes, globs } = scopesToCheck(workflows, bindings, namespaceAnnotations(namespaces), connections);
  if (token.token) {
    const subscriptions = [...new Set(scopes.map((scope) => scope.subscriptionId.toLowerCase()))].sort();
    const arm = await armRow(config, token.token, subscriptions);
    rows.push(arm);
    if (arm.status === 'fail' && /did not answer/.test(arm.detail)) {
      rows.push({ check: 'azure-permissions', target: '', status: 'skip', detail: 'ARM is not reachable' });
    } else {
      rows.push(...(await permissionRows(config, credential, scopes, globs)));
    }
  } else {
    for (const check of ['arm', 'azure-permissions']) {
      rows.push({ check, target: '', status: 'skip', detail: 'no Azure token' });
    }
  }
  rows.push(...quotaRows(config.quota, [...workflows, ...bindings]));
  return report(rows);
}

async function listAll<K extends KubernetesObject>(
  kube: KubeClient,
  kind: ResourceKind,
  namespaces: readonly (string | undefined)[],
): Promise<K[]> {
  const items: K[] = [];
  for (const namespace of namespaces) {
    let continueToken: string | undefined;
    do {
      const page = await kube.list<K>(kind, namespace, { limit: 500, continueToken });
      items.push(...page.items);
      continueToken = page.continueToken;
    } while (continueToken);
  }
  return items;
}

function namespaceAnnotations(namespaces: readonly V1Namespace[]) {
  return namespaces.map((namespace) => ({
    name: namespace.metadata?.name ?? '',
    annotations: namespace.metadata?.annotations ?? {},
  }));
}

function objectCounts(
  workflows: readonly LogicAppWorkflow[],
  bindings: readonly VaultSecretBinding[],
  roleAssignments: readonly WorkflowRoleAssignment[],
  connections: readonly LogicAppConnection[],
) {
  const count = (objects: readonly { metadata?: { namespace?: string } }[]) => {
    const counts = new Map<string, number>();
    for (const object of objects) {
      const namespace = object.metadata?.namespace ?? '';
      counts.set(namespace, (counts.get(namespace) ?? 0) + 1);
    }
    return counts;
  };
  return {
    workflows: count(workflows),
    bindings: count(bindings),
    roleAssignments: count(roleAssignments),
    connections: count(connections),
  };
}
