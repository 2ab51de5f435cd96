// The Kubernetes kinds the logicops controllers read and write, as the runtime's ResourceKind.
// Both controllers and the wiring take them from here so list, watch, get and patch paths
// of one kind are always built from the same description.

import {
  GROUP,
  LOGIC_APP_CONNECTION,
  LOGIC_APP_WORKFLOW,
  VAULT_SECRET_BINDING,
  VERSION,
  WORKFLOW_ROLE_ASSIGNMENT,
} from '../crds/index.ts';
import type { ResourceKind } from '../runtime/index.ts';

export const LOGIC_APP_WORKFLOW_RESOURCE: ResourceKind = {
  group: GROUP,
  version: VERSION,
  kind: LOGIC_APP_WORKFLOW.kind,
  plural: LOGIC_APP_WORKFLOW.plural,
  namespaced: true,
};

export const VAULT_SECRET_BINDING_RESOURCE: ResourceKind = {
  group: GROUP,
  version: VERSION,
  kind: VAULT_SECRET_BINDING.kind,
  plural: VAULT_SECRET_BINDING.plural,
  namespaced: true,
};

export const CONFIG_MAP_RESOURCE: ResourceKind = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  namespaced: true,
};

/** Cluster-scoped: the controllers read the policy annotations of a namespace. */
export const NAMESPACE_RESOURCE: ResourceKind = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  namespaced: false,
};

/**
 * A namespace's Azure credential (issue 23), or a Secret a workflow takes a parameter value from
 * (spec.parametersFrom): read by name only; never listed or watched.
 */
export const SECRET_RESOURCE: ResourceKind = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  namespaced: true,
};

/**
 * A namespace's workload identity (issue 23): the operator asks its `token` subresource for a
 * TokenRequest, by name; the ServiceAccount itself is never read, listed or watched.
 */
export const SERVICE_ACCOUNT_RESOURCE: ResourceKind = {
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  namespaced: true,
};

export const WORKFLOW_ROLE_ASSIGNMENT_RESOURCE: ResourceKind = {
  group: GROUP,
  version: VERSION,
  kind: WORKFLOW_ROLE_ASSIGNMENT.kind,
  plural: WORKFLOW_ROLE_ASSIGNMENT.plural,
  namespaced: true,
};

export const LOGIC_APP_CONNECTION_RESOURCE: ResourceKind = {
  group: GROUP,
  version: VERSION,
  kind: LOGIC_APP_CONNECTION.kind,
  plural: LOGIC_APP_CONNECTION.plural,
  namespaced: true,
};
