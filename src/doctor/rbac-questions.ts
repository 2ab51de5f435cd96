// The Kubernetes access questions the operator's RBAC must answer yes to: one per need of
// src/rbac-needs.ts, verb and namespace, in the namespaces this configuration uses. Asked with
// SelfSubjectAccessReview, so the answer is for whoever the kubeconfig names: run the doctor
// with the operator's own credentials to check the operator.
import type { OperatorConfig } from '../config.ts';
import type { LogicAppWorkflow } from '../crds/index.ts';
import {
  RBAC_NEEDS,
  type RbacNeed,
  type SecretSpecField,
  type Verb,
  WORKFLOW_SECRETS_VALUE,
} from '../rbac-needs.ts';

export interface AccessQuestion {
  need: RbacNeed;
  verb: Verb;
  group: string;
  resource: string;
  subresource?: string;
  /** Absent: cluster-wide (all namespaces, or a cluster-scoped resource). */
  namespace?: string;
  name?: string;
}

export interface SkippedNeed {
  need: RbacNeed;
  why: string;
}

/**
 * `workflows`: the watched LogicAppWorkflows, which say where Secrets are needed (the chart grants
 * them per listed namespace, a list the operator's configuration does not hold); undefined when
 * they could not be listed.
 */
export function accessQuestions(
  config: OperatorConfig,
  workflows: readonly Pick<LogicAppWorkflow, 'metadata' | 'spec'>[] | undefined,
): {
  questions: AccessQuestion[];
  skipped: SkippedNeed[];
} {
  const questions: AccessQuestion[] = [];
  const skipped: SkippedNeed[] = [];
  for (const need of RBAC_NEEDS) {
    const [resource = '', subresource] = need.resource.split('/');
    const ask = (namespace: string | undefined, name?: string) => {
      for (const verb of need.verbs) {
        questions.push({
          need,
          verb,
          group: need.apiGroup,
          resource,
          ...(subresource ? { subresource } : {}),
          ...(namespace ? { namespace } : {}),
          ...(name ? { name } : {}),
        });
      }
    };
    switch (need.scope) {
      case 'watched':
        if (config.namespaces.length === 0) ask(undefined);
        else for (const namespace of config.namespaces) ask(namespace);
        break;
      case 'cluster':
        ask(undefined);
        break;
      case 'release':
        if (need.resource === 'leases') {
          if (!config.leaderElection.enabled) {
            skipped.push({ need, why: 'leader election is off (--leader-elect not set)' });
            break;
          }
          ask(
            config.leaderElection.namespace,
            need.pinnedTo === 'lease' ? config.leaderElection.leaseName : undefined,
          );
        } else {
          ask(config.recordsNamespace);
        }
        break;
      case 'credential':
        skipped.push({ need, why: 'no per-namespace Azure credentials are configured' });
        break;
      case 'workflowSecrets': {
        // Granted per namespace (workflowSecrets.namespaces, default the watched ones), never
        // cluster-wide: asked where a workflow uses the feature, which is where it must be granted.
        const fields = need.usedBy ?? [];
        if (!workflows) {
          skipped.push({
            need,
            why: 'the LogicAppWorkflows could not be listed, so where they use Secrets is unknown',
          });
          break;
        }
        const namespaces = namespacesUsing(workflows, fields);
        if (namespaces.length === 0) {
          skipped.push({
            need,
            why: `no watched LogicAppWorkflow has ${fields.map((field) => `spec.${field}`).join(' or ')}; the chart grants Secrets only in the namespaces of ${WORKFLOW_SECRETS_VALUE}, never cluster-wide`,
          });
        } else for (const namespace of namespaces) ask(namespace);
        break;
      }
    }
  }
  return { questions, skipped };
}

/** `list logicops.io/logicappworkflows in team-a`, `get coordination.k8s.io/leases/logicops-leader in ops`. */
export function describeQuestion(question: AccessQuestion): string {
  const group = question.group || 'core';
  const sub = question.subresource ? `/${question.subresource}` : '';
  const name = question.name ? ` named ${question.name}` : '';
  const where = question.namespace ? ` in ${question.namespace}` : ' cluster-wide';
  return `${question.verb} ${group}/${question.resource}${sub}${name}${where}`;
}

/** The namespaces of the workflows that set any of `fields`, sorted. */
function namespacesUsing(
  workflows: readonly Pick<LogicAppWorkflow, 'metadata' | 'spec'>[],
  fields: readonly SecretSpecField[],
): string[] {
  const namespaces = new Set<string>();
  for (const workflow of workflows) {
    const namespace = workflow.metadata?.namespace;
    if (namespace && fields.some((field) => hasField(workflow.spec, field))) namespaces.add(namespace);
  }
  return [...namespaces].sort();
}

function hasField(spec: LogicAppWorkflow['spec'] | undefined, field: SecretSpecField): boolean {
  // An empty parametersFrom reads no Secret.
  const value = spec?.[field];
  return value !== undefined && value !== null && Object.keys(value).length > 0;
}
