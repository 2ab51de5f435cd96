// Watches of LogicAppConnection: its own objects, the namespaces (the policy annotations
// changed: every connection in it), and the workflows (a connection being deleted waits for the
// workflows that name it: any workflow change in its namespace may release it). Resync (10 min ± 10 %) reads each connection once: that is
// where drift made in Azure (a changed display name, a deleted connection) is found and repaired.

import type { LogicAppConnection } from '../../crds/index.ts';
import {
  type Controller,
  type ResyncSettings,
  StatusPatcher,
  systemClock,
  type WatchedSource,
} from '../../runtime/index.ts';
import type { ControllerDeps } from '../shared/controller-deps.ts';
import { inNamespace } from '../shared/grants/workflow-references.ts';
import { kindController } from '../shared/kind-controller.ts';
import type { NamespacePolicy } from '../shared/namespace-policy.ts';
import { createConnectionReconciler } from './reconcile.ts';
import { deletingConnectionsOf } from './workflows-using.ts';

/** A connection Azure does not report Connected is read again after this long. */
export const DEFAULT_NOT_CONNECTED_RECHECK_MS = 30_000;

export interface LogicAppConnectionControllerDeps extends ControllerDeps {
  connections: WatchedSource<LogicAppConnection>;
  settings: {
    clusterId: string;
    namespacePolicy: NamespacePolicy;
    workers?: number;
    resync?: ResyncSettings;
    notConnectedRecheckMs?: number;
  };
}

export function createLogicAppConnectionController(
  deps: LogicAppConnectionControllerDeps,
): Controller<LogicAppConnection> {
  const clock = deps.clock ?? systemClock;
  const reconcile = createConnectionReconciler({
    kube: deps.kube,
    patcher: new StatusPatcher(deps.kube),
    actors: deps.actors,
    gatewaysFor: deps.gatewaysFor,
    events: deps.events,
    namespaces: deps.namespaces,
    workflows: deps.workflows,
    clock,
    settings: {
      clusterId: deps.settings.clusterId,
      namespacePolicy: deps.settings.namespacePolicy,
      notConnectedRecheckMs: deps.settings.notConnectedRecheckMs ?? DEFAULT_NOT_CONNECTED_RECHECK_MS,
    },
  });
  const source = deps.connections;
  return kindController<LogicAppConnection>({
    name: 'logic-app-connection',
    source,
    reconcile,
    deps: { ...deps, clock },
    settings: deps.settings,
  })
    .watches(deps.namespaces, (namespace) => inNamespace(source, namespace.metadata?.name ?? ''))
    .watches(deps.workflows, (workflow) => deletingConnectionsOf(source, workflow));
}
