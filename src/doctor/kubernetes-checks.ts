// The doctor's Kubernetes checks: the API server answers; each CRD is installed, Established,
// serves the version this binary uses and holds the schema this binary would install; the
// operator's RBAC answers yes to each need (SelfSubjectAccessReview).
import { AuthorizationV1Api, type KubeConfig, VersionApi } from '@kubernetes/client-node';
import { type CustomResourceDefinitionManifest, VERSION } from '../crds/index.ts';
import type { KubeClient, ResourceKind } from '../runtime/kube-client.ts';
import { isNotFound } from '../runtime/kube-errors.ts';
import { type AccessQuestion, describeQuestion, type SkippedNeed } from './rbac-questions.ts';
import type { CheckRow } from './report.ts';

const CRD_RESOURCE: ResourceKind = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  namespaced: false,
};

interface InstalledCrd {
  spec?: { versions?: Array<{ name: string; served?: boolean; storage?: boolean; schema?: unknown }> };
  status?: { conditions?: Array<{ type: string; status: string; message?: string }> };
}

/** A server that swallows packets would hold the doctor for the kernel's connect timeout (minutes). */
export const REACHABLE_TIMEOUT_MS = 15_000;

export async function kubernetesReachable(kubeConfig: KubeConfig): Promise<CheckRow> {
  const server = kubeConfig.getCurrentCluster()?.server ?? '(no current cluster)';
  let timer: NodeJS.Timeout | undefined;
  try {
    const version = await Promise.race([
      kubeConfig.makeApiClient(VersionApi).getCode(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${REACHABLE_TIMEOUT_MS / 1000} s`)),
          REACHABLE_TIMEOUT_MS,
        );
      }),
    ]);
    return {
      check: 'kubernetes',
      target: server,
      status: 'ok',
      detail: `API server ${version.gitVersion} answers`,
    };
  } catch (error) {
    return {
      check: 'kubernetes',
      target: server,
      status: 'fail',
      detail: `the API server did not answer (${errorText(error)}): check --kubeconfig (KUBECONFIG), its current context, and that the server is reachable from here`,
    };
  } finally {
    clearTimeout(timer);
  }
}

export async function crdRows(
  kube: KubeClient,
  expected: readonly CustomResourceDefinitionManifest[],
): Promise<CheckRow[]> {
  const rows: CheckRow[] = [];
  const install =
    'install them with `logicops crds | kubectl apply --server-side -f -` (or the chart with crds.install=true)';
  for (const crd of expected) {
    const name = crd.metadata.name;
    const row = (status: CheckRow['status'], detail: string): CheckRow => ({
      check: 'crd',
      target: name,
      status,
      detail,
    });
    let installed: InstalledCrd;
    try {
      installed = await kube.get<InstalledCrd & { apiVersion?: string; kind?: string }>(
        CRD_RESOURCE,
        undefined,
        name,
      );
    } catch (error) {
      rows.push(
        isNotFound(error)
          ? row('fail', `not installed: ${install}`)
          : row('fail', `could not read it (${errorText(error)})`),
      );
      continue;
    }
    const established = installed.status?.conditions?.find((c) => c.type === 'Established');
    if (established?.status !== 'True') {
      rows.push(
        row(
          'fail',
          `not Established${established?.message ? ` (${established.message})` : ''}: kubectl describe crd ${name}`,
        ),
      );
      continue;
    }
    const served = installed.spec?.versions?.find((v) => v.name === VERSION);
    if (!served?.served) {
      const versions = (installed.spec?.versions ?? []).map((v) => v.name).join(', ') || 'none';
      rows.push(row('fail', `does not serve ${VERSION} (serves ${versions}): ${install}`));
      continue;
    }
    const wanted = crd.spec.versions.find((v) => v.name === VERSION);
    if (canonical(served.schema) !== canonical(wanted?.schema)) {
      rows.push(
        row('fail', `serves ${VERSION} with another schema than this logicops version's: ${install}`),
      );
      continue;
    }
    rows.push(row('ok', `Established, serves ${VERSION} with this version's schema`));
  }
  return rows;
}

/** JSON with object keys sorted, so that key order never makes two equal schemas differ. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(
          Object.entries(item as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : item,
  );
}

export async function rbacRows(
  kubeConfig: KubeConfig,
  questions: readonly AccessQuestion[],
  skipped: readonly SkippedNeed[],
): Promise<CheckRow[]> {
  const api = kubeConfig.makeApiClient(AuthorizationV1Api);
  const answers = await Promise.all(
    questions.map(async (question) => {
      try {
        const review = await api.createSelfSubjectAccessReview({
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: {
              resourceAttributes: {
                group: question.group,
                resource: question.resource,
                verb: question.verb,
                ...(question.subresource ? { subresource: question.subresource } : {}),
                ...(question.namespace ? { namespace: question.namespace } : {}),
                ...(question.name ? { name: question.name } : {}),
              },
            },
          },
        });
        return { question, allowed: review.status?.allowed === true, error: undefined };
      } catch (error) {
        return { question, allowed: false, error: errorText(error) };
      }
    }),
  );
  const rows: CheckRow[] = answers
    .filter((answer) => !answer.allowed)
    .map(({ question, error }) => ({
      check: 'rbac',
      target: describeQuestion(question),
      status: 'fail',
      detail: error
        ? `could not ask the API server (${error})`
        : `denied: needed for ${question.need.why}; grant it as deploy/helm/logicops/templates/rbac.yaml does (docs/operations.md, "Permissions")`,
    }));
  for (const { need, why } of skipped) {
    rows.push({
      check: 'rbac',
      target: `${need.verbs.join(',')} ${need.apiGroup || 'core'}/${need.resource}`,
      status: 'skip',
      detail: `not needed here: ${why}`,
    });
  }
  const allowed = answers.filter((answer) => answer.allowed).length;
  if (rows.every((row) => row.status !== 'fail')) {
    rows.unshift({
      check: 'rbac',
      target: '',
      status: 'ok',
      detail: `${allowed} of ${answers.length} access reviews allowed`,
    });
  }
  return rows;
}

export function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}
