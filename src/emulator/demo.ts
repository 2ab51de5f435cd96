// The fixed demo world shared by the samples, the dev mode, the bench and the tests: one
// tenant, one subscription and the operator's app registration are always there; the demo
// seed adds a resource group with two vaults — one on access policies, one on RBAC — each
// holding the partner API key of the end-to-end example.
import type { EmulatorSeed, SeedApplication } from './seed.ts';

export const DEMO_TENANT_ID = '7e1a5c3e-0d6f-4c2a-9b1e-10c1c0a5d3e0';
export const DEMO_SUBSCRIPTION_ID = '5ab1e0c5-1d2e-4f3a-8b4c-10c1c0a5d3e1';
export const DEMO_RESOURCE_GROUP = 'logicops-demo';
export const DEMO_LOCATION = 'westeurope';
export const DEMO_ACCESS_POLICY_VAULT = 'logicops-demo-kv';
export const DEMO_RBAC_VAULT = 'logicops-demo-rbac-kv';
export const DEMO_SECRET_NAME = 'partner-api-key';
/** The operator's app registration (ClientSecretCredential / workload identity). */
export const DEMO_OPERATOR_CLIENT_ID = '0c1c0a5d-0e70-4e2a-9f00-000000000001';
/** Not a real credential: it only opens this emulator. */
export const DEMO_OPERATOR_CLIENT_SECRET = 'logicops-emulator-demo-secret';

/** Always registered: without an app registration nobody could get a token. */
export const OPERATOR_APPLICATION: SeedApplication = {
  clientId: DEMO_OPERATOR_CLIENT_ID,
  displayName: 'logicops-operator',
  clientSecret: DEMO_OPERATOR_CLIENT_SECRET,
};

export function demoSeed(): EmulatorSeed {
  return {
    resourceGroups: [{ name: DEMO_RESOURCE_GROUP, location: DEMO_LOCATION }],
    vaults: [
      {
        resourceGroup: DEMO_RESOURCE_GROUP,
        name: DEMO_ACCESS_POLICY_VAULT,
        enableRbacAuthorization: false,
        secrets: [{ name: DEMO_SECRET_NAME, value: 'demo-partner-api-key-not-a-secret' }],
      },
      {
        resourceGroup: DEMO_RESOURCE_GROUP,
        name: DEMO_RBAC_VAULT,
        enableRbacAuthorization: true,
        secrets: [{ name: DEMO_SECRET_NAME, value: 'demo-partner-api-key-not-a-secret' }],
      },
    ],
  };
}
