// The informers the controllers read, and what each cache keeps of an object. One factory for
// the operator's wiring and the integration tests, so the tests cache what production caches.
//   workflows   lean (leanObject), and a definition or parameters over the size and nesting
//               limits held back (logic-app-workflow/spec-limits.ts)
//   bindings, roleAssignments, connections  lean
//   configMaps  metadata only: a ConfigMap's data is read with a GET when a workflow references
//               it (logic-app-workflow/config-map-definitions.ts); not sharded by the label
//               selector (a labelled workflow may use any ConfigMap of its namespace)
//   namespaces  lean, cluster-wide (the policy annotations)
import type { KubernetesObject, V1Namespace } from '@kubernetes/client-node';
import type {
  LogicAppConnection,
  LogicAppWorkflow,
  VaultSecretBinding,
  WorkflowRoleAssignment,
} from '../crds/index.ts';
import type { Logger } from '../observability/logger.ts';
import { Informer } from '../runtime/informer.ts';
import type { ListWatchClient } from '../runtime/kube-client.ts';
import { leanWorkflow } from './logic-app-workflow/spec-limits.ts';
import {
  CONFIG_MAP_RESOURCE,
  LOGIC_APP_CONNECTION_RESOURCE,
  LOGIC_APP_WORKFLOW_RESOURCE,
  NAMESPACE_RESOURCE,
  VAULT_SECRET_BINDING_RESOURCE,
  WORKFLOW_ROLE_ASSIGNMENT_RESOURCE,
} from './resource-kinds.ts';
import { leanObject, metadataStub } from './shared/lean-cache.ts';

export interface OperatorInformers {
  workflows: Informer<LogicAppWorkflow>;
  bindings: Informer<VaultSecretBinding>;
  roleAssignments: Informer<WorkflowRoleAssignment>;
  connections: Informer<LogicAppConnection>;
  configMaps: Informer<KubernetesObject>;
  namespaces: Informer<V1Namespace>;
}

export interface InformerScope {
  client: ListWatchClient;
  /** Watched namespaces; empty or omitted: all. */
  namespaces?: readonly string[];
  labelSelector?: string;
  logger: Logger;
}

export function createInformers(scope: InformerScope): OperatorInformers {
  const { client, namespaces, labelSelector, logger } = scope;
  const watched = { client, logger, ...(namespaces ? { namespaces } : {}) };
  const sharded = { ...watched, ...(labelSelector ? { labelSelector } : {}) };
  return {
    workflows: new Informer<LogicAppWorkflow>({
      ...sharded,
      kind: LOGIC_APP_WORKFLOW_RESOURCE,
      transform: leanWorkflow,
    }),
    bindings: new Informer<VaultSecretBinding>({
      ...sharded,
      kind: VAULT_SECRET_BINDING_RESOURCE,
      transform: leanObject,
    }),
    roleAssignments: new Informer<WorkflowRoleAssignment>({
      ...sharded,
      kind: WORKFLOW_ROLE_ASSIGNMENT_RESOURCE,
      transform: leanObject,
    }),
    connections: new Informer<LogicAppConnection>({
      ...sharded,
      kind: LOGIC_APP_CONNECTION_RESOURCE,
      transform: leanObject,
    }),
    configMaps: new Informer<KubernetesObject>({
      ...watched,
      kind: CONFIG_MAP_RESOURCE,
      metadataOnly: true,
      transform: metadataStub,
    }),
    namespaces: new Informer<V1Namespace>({
      client,
      logger,
      kind: NAMESPACE_RESOURCE,
      transform: leanObject,
    }),
  };
}
