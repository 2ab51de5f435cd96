// The fixed demo world shared by the samples, the dev mode, the bench and the tests: one
// tenant, one subscription and the operator's app registration are always there; the demo
// seed adds a resource group with two vaults — one on access policies, one on RBAC — each
// holding the partner API key of the end-to-end example.
import { CONTRIBUTOR, ROLE_BASED_ACCESS_CONTROL_ADMINISTRATOR } from './arm/role-definitions.ts';
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

/** The object id of the operator app's service principal (the `oid` of its tokens). */
export const DEMO_OPERATOR_OBJECT_ID = '0c1c0a5d-0e70-4e2a-9f00-0000000000a1';

/** Always registered: without an app registration nobody could get a token. */
export const OPERATOR_APPLICATION: SeedApplication = {
  clientId: DEMO_OPERATOR_CLIENT_ID,
  objectId: DEMO_OPERATOR_OBJECT_ID,
  displayName: 'logicops-operator',
  clientSecret: DEMO_OPERATOR_CLIENT_SECRET,
};

/**
 * The Azure roles an admin gives the operator's identity in the demo subscription
 * (docs/operations.md, "Azure roles the operator needs"): Contributor for workflows, identities and
 * vault access policies, and Role Based Access Control Administrator for the role assignments of
 * RBAC vaults. Not part of demoSeed(): tests that count role assignments per subscription start
 * without them; `logicops dev` adds them, so `logicops doctor` finds the permissions in place.
 */
export function demoOperatorRoleAssignments(): NonNullable<EmulatorSeed['roleAssignments']> {
  const subscription = `/subscriptions/${DEMO_SUBSCRIPTION_ID}`;
  return [
    {
      scope: subscription,
      roleDefinitionId: CONTRIBUTOR,
      principalId: DEMO_OPERATOR_OBJECT_ID,
      principalType: 'ServicePrincipal',
    },
    {
      scope: subscription,
      roleDefinitionId: ROLE_BASED_ACCESS_CONTROL_ADMINISTRATOR,
      principalId: DEMO_OPERATOR_OBJECT_ID,
      principalType: 'ServicePrincipal',
    },
  ];
}

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
