// Microsoft.ManagedIdentity/userAssignedIdentities, read-only: logicops references a
// user-assigned identity by ARM id and never creates or deletes one (docs/design.md guarantee 1).
import type { ManagedServiceIdentityClient } from '@azure/arm-msi';
import type { AzureCalls, CallOptions } from './instrumentation.ts';
import { isNotFound } from './not-found.ts';
import { parseResourceId, USER_ASSIGNED_IDENTITY_TYPE } from './resource-id.ts';

export interface UserAssignedIdentity {
  id: string;
  name: string;
  location: string;
  principalId: string;
  clientId: string;
  tenantId: string;
}

export interface IdentityGateway {
  /**
   * The identity with this ARM id, or undefined when it does not exist. Throws (synchronously
   * rejected promise) when the id is not a user-assigned identity id.
   */
  getUserAssigned(armId: string, options?: CallOptions): Promise<UserAssignedIdentity | undefined>;
}

export class SdkIdentityGateway implements IdentityGateway {
  constructor(
    /** A client for the subscription the identity lives in. */
    private readonly client: ManagedServiceIdentityClient,
    private readonly calls: AzureCalls,
  ) {}

  async getUserAssigned(armId: string, options: CallOptions = {}): Promise<UserAssignedIdentity | undefined> {
    const { resourceGroup, name } = parseResourceId(armId, USER_ASSIGNED_IDENTITY_TYPE);
    try {
      const identity = await this.calls.read('userAssignedIdentities.get', options, (sdk) =>
        this.client.userAssignedIdentities.get(resourceGroup, name, sdk),
      );
      return {
        id: identity.id ?? armId,
        name: identity.name ?? name,
        location: identity.location,
        principalId: identity.principalId ?? '',
        clientId: identity.clientId ?? '',
        tenantId: identity.tenantId ?? '',
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}
