// TypeScript view of a LogicAppConnection (issue 24): one Azure API connection
// (Microsoft.Web/connections, api-version 2016-06-01) to a managed connector, authenticated by the
// managed identity of whichever workflow uses it. A LogicAppWorkflow in the same namespace names
// it in spec.connections; logicops then writes the workflow's `$connections` parameter.
// schema.ts types its `properties` against these interfaces.
import type { KindNames } from '../api-group.ts';
import type { Condition, DeletionPolicy, ObjectMeta } from '../common-types.ts';

export const LOGIC_APP_CONNECTION: KindNames = {
  kind: 'LogicAppConnection',
  listKind: 'LogicAppConnectionList',
  plural: 'logicappconnections',
  singular: 'logicappconnection',
  shortNames: ['lac'],
};

/**
 * The managed connectors whose managed-identity authentication Microsoft documents for
 * Consumption workflows (learn.microsoft.com/azure/logic-apps/create-managed-service-identity,
 * "Where you can use a managed identity"), by managed API name.
 */
export const SUPPORTED_MANAGED_APIS = [
  'servicebus',
  'eventhubs',
  'azureblob',
  'keyvault',
  'arm',
  'sql',
  'documentdb',
] as const;
export type ManagedApiName = (typeof SUPPORTED_MANAGED_APIS)[number];

export interface LogicAppConnectionSpec {
  /** Where the connection lives; the namespace policy bounds these as it does a workflow's. */
  subscriptionId: string;
  resourceGroup: string;
  /** The connection and its managed API are in this region: the workflows that use it must be too. */
  location: string;
  /** Azure name of the connection; metadata.name when unset. */
  azureName?: string;
  /** The managed connector, e.g. `servicebus`. */
  api: ManagedApiName;
  /**
   * The non-secret values of the connector's managed-identity parameter set, e.g.
   * `namespaceEndpoint: sb://orders.servicebus.windows.net` for Service Bus. Never a secret: the
   * managed identity is the credential.
   */
  parameters?: Record<string, string>;
  displayName?: string;
  tags?: Record<string, string>;
  deletionPolicy: DeletionPolicy;
}

export interface LogicAppConnectionStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  /** ARM id of the connection: the `connectionId` logicops writes into `$connections`. */
  resourceId?: string;
  /** ARM id of the managed API: the `id` logicops writes into `$connections`. */
  apiId?: string;
  /** Azure's `overallStatus` of the connection, e.g. Connected. */
  overallStatus?: string;
  /** The last `logicops.io/reconcile-request` annotation value handled. */
  lastHandledReconcileRequest?: string;
}

export interface LogicAppConnection {
  apiVersion: 'logicops.io/v1alpha1';
  kind: 'LogicAppConnection';
  metadata: ObjectMeta;
  spec: LogicAppConnectionSpec;
  status?: LogicAppConnectionStatus;
}
