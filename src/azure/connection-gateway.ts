// Microsoft.Web/connections (api-version 2016-06-01) behind a small interface. No @azure SDK
// client models this resource type, so the calls go through @azure/arm-resources' generic
// by-id operations (ResourceManagementClient.resources.*ById) with the connection's api-version:
// the same pipeline, credential, retries, timeout and fence as every other client (clients.ts),
// and the same classification and instrumentation (instrumentation.ts). A PUT of a connection
// answers 200 or 201 with the stored resource (REST spec examples connectionsCreateOrUpdate.json);
// the SDK's poller finishes at once on such an answer.
import type { ResourceManagementClient } from '@azure/arm-resources';
import { CONNECTION_NAME } from '../crds/azure-formats.ts';
import { checkName, checkResourceGroup, checkSubscriptionId } from './arm-names.ts';
import {
  type ConnectionRef,
  connectionId,
  type DesiredConnection,
  fromArmConnection,
  type ObservedConnection,
  toArmConnection,
  WEB_CONNECTIONS_API_VERSION,
} from './connection-model.ts';
import type { AzureCalls, CallOptions, SdkCallOptions } from './instrumentation.ts';
import { isNotFound } from './not-found.ts';

export interface ConnectionGateway {
  /** Undefined when the connection does not exist (a missing resource group is an AzureError). */
  get(ref: ConnectionRef, options?: CallOptions): Promise<ObservedConnection | undefined>;
  /** PUT: creates or replaces the connection as desired. */
  createOrUpdate(
    ref: ConnectionRef,
    desired: DesiredConnection,
    options?: CallOptions,
  ): Promise<ObservedConnection>;
  /** A missing connection counts as deleted. */
  delete(ref: ConnectionRef, options?: CallOptions): Promise<void>;
}

export function checkConnectionRef(ref: ConnectionRef): void {
  checkSubscriptionId(ref.subscriptionId);
  checkResourceGroup(ref.resourceGroup);
  checkName(CONNECTION_NAME, 'connection name', ref.name);
}

export class SdkConnectionGateway implements ConnectionGateway {
  constructor(
    private readonly client: ResourceManagementClient,
    private readonly calls: AzureCalls,
  ) {}

  async get(ref: ConnectionRef, options: CallOptions = {}): Promise<ObservedConnection | undefined> {
    checkConnectionRef(ref);
    try {
      const resource = await this.calls.read('connections.get', options, (sdk) =>
        this.client.resources.getById(byId(ref), WEB_CONNECTIONS_API_VERSION, sdkOptions(sdk)),
      );
      return fromArmConnection(resource);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async createOrUpdate(
    ref: ConnectionRef,
    desired: DesiredConnection,
    options: CallOptions = {},
  ): Promise<ObservedConnection> {
    checkConnectionRef(ref);
    const resource = await this.calls.write('connections.createOrUpdate', options, (sdk) =>
      this.client.resources.createOrUpdateById(
        byId(ref),
        WEB_CONNECTIONS_API_VERSION,
        toArmConnection(ref.subscriptionId, desired),
        sdkOptions(sdk),
      ),
    );
    return fromArmConnection(resource);
  }

  async delete(ref: ConnectionRef, options: CallOptions = {}): Promise<void> {
    checkConnectionRef(ref);
    try {
      await this.calls.write('connections.delete', options, (sdk) =>
        this.client.resources.deleteById(byId(ref), WEB_CONNECTIONS_API_VERSION, sdkOptions(sdk)),
      );
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}

/**
 * The SDK's by-id operations put the id after a '/' of their own (`/{+resourceId}`): the id goes
 * without its leading slash, or the URL path would start with '//'.
 */
function byId(ref: ConnectionRef): string {
  return connectionId(ref).slice(1);
}

/** The poller of a PUT or DELETE re-sends the options to each poll; the first answer is final here. */
function sdkOptions(sdk: SdkCallOptions) {
  return { ...(sdk.abortSignal ? { abortSignal: sdk.abortSignal } : {}), onResponse: sdk.onResponse };
}
