// ARM's error envelope ({error:{code,message}}) as one throwable class, plus the
// handful of errors ARM itself answers before a request reaches a resource provider.
export interface ErrorDetail {
  code: string;
  message: string;
  target?: string;
}

export class ArmError extends Error {
  override readonly name = 'ArmError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly details?: ErrorDetail[],
  ) {
    super(message);
  }

  toBody(): { error: { code: string; message: string; details?: ErrorDetail[] } } {
    return {
      error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) },
    };
  }
}

export function isArmError(error: unknown): error is ArmError {
  return error instanceof Error && error.name === 'ArmError';
}

export const armErrors = {
  resourceGroupNotFound: (resourceGroup: string) =>
    new ArmError(404, 'ResourceGroupNotFound', `Resource group '${resourceGroup}' could not be found.`, {
      // Real ARM marks errors it produced itself (the request never reached the RP).
      'x-ms-failure-cause': 'gateway',
    }),
  subscriptionNotFound: (subscriptionId: string) =>
    new ArmError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`, {
      'x-ms-failure-cause': 'gateway',
    }),
  resourceNotFound: (type: string, name: string, resourceGroup: string) =>
    new ArmError(
      404,
      'ResourceNotFound',
      `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    ),
  badRequest: (code: string, message: string) => new ArmError(400, code, message),
  invalidRequestContent: (message: string) =>
    new ArmError(
      400,
      'InvalidRequestContent',
      `The request content was invalid and could not be deserialized: '${message}'.`,
    ),
  missingApiVersion: () =>
    new ArmError(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    ),
  unsupportedApiVersion: (apiVersion: string, resourceType: string, supported: readonly string[]) =>
    new ArmError(
      400,
      'NoRegisteredProviderFound',
      `No registered resource provider found for location 'global' and API version '${apiVersion}' for type '${resourceType}'. The supported api-versions are '${supported.join(', ')}'.`,
    ),
};
