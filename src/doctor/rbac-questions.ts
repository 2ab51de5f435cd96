// The Kubernetes access questions the operator's RBAC must answer yes to: one per need of
// src/rbac-needs.ts, verb and namespace, in the namespaces this configuration uses. Asked with
// SelfSubjectAccessReview, so the answer is for whoever the kubeconfig names: run the doctor
// with the operator's own credentials to check the operator.
import type { OperatorConfig } from '../config.ts';
import { RBAC_NEEDS, type RbacNeed, type Verb } from '../rbac-needs.ts';

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

export function accessQuestions(config: OperatorConfig): {
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
      case 'callbackUrls':
        // The chart grants these per namespace (callbackUrls.namespaces, default the watched
        // ones), never cluster-wide: with every namespace watched there is no one place to ask.
        if (config.namespaces.length === 0) {
          skipped.push({
            need,
            why: 'every namespace is watched: Secrets for spec.callbackUrl are granted only in the namespaces the chart lists (callbackUrls.namespaces)',
          });
        } else for (const namespace of config.namespaces) ask(namespace);
        break;
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
