// A second process that talks to a standalone emulator. It trusts the emulator's CA only
// through NODE_EXTRA_CA_CERTS (read at process start), like the operator would.
// Usage: EMULATOR_INFO='<json line>' node --import tsx standalone-client.ts <probe|create|read>
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { LogicManagementClient } from '@azure/arm-logic';
import { ClientSecretCredential } from '@azure/identity';
import {
  DEMO_OPERATOR_CLIENT_SECRET,
  DEMO_RBAC_VAULT,
  DEMO_RESOURCE_GROUP,
  DEMO_SECRET_NAME,
} from '../../src/index.ts';

interface Info {
  armEndpoint: string;
  authorityHost: string;
  tenantId: string;
  subscriptionId: string;
  operatorClientId: string;
}

const ROLE_ASSIGNMENT_NAME = '6f1d3b8e-2f0a-4c5e-9d7a-1b2c3d4e5f60';
const KEY_VAULT_SECRETS_USER = '4633458b-17de-408a-b874-0445c86b69e6';

async function main(): Promise<unknown> {
  const info = JSON.parse(process.env.EMULATOR_INFO ?? '') as Info;
  const action = process.argv[2];
  if (action === 'probe') {
    const response = await fetch(
      `${info.authorityHost}/${info.tenantId}/v2.0/.well-known/openid-configuration`,
    );
    return { status: response.status };
  }
  const credential = new ClientSecretCredential(
    info.tenantId,
    info.operatorClientId,
    DEMO_OPERATOR_CLIENT_SECRET,
    {
      authorityHost: info.authorityHost,
      disableInstanceDiscovery: true,
    },
  );
  const logic = new LogicManagementClient(credential, info.subscriptionId, { endpoint: info.armEndpoint });
  const authorization = new AuthorizationManagementClient(credential, info.subscriptionId, {
    endpoint: info.armEndpoint,
  });
  const secretScope = `/subscriptions/${info.subscriptionId}/resourceGroups/${DEMO_RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/${DEMO_RBAC_VAULT}/secrets/${DEMO_SECRET_NAME}`;
  if (action === 'create') {
    const workflow = await logic.workflows.createOrUpdate(DEMO_RESOURCE_GROUP, 'standalone-wf', {
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
      definition: {
        $schema:
          'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
      },
    });
    const assignment = await authorization.roleAssignments.create(secretScope, ROLE_ASSIGNMENT_NAME, {
      roleDefinitionId: `/subscriptions/${info.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_SECRETS_USER}`,
      principalId: workflow.identity!.principalId!,
      principalType: 'ServicePrincipal',
    });
    return { principalId: workflow.identity?.principalId, roleAssignmentId: assignment.id };
  }
  if (action === 'read') {
    const workflow = await logic.workflows.get(DEMO_RESOURCE_GROUP, 'standalone-wf');
    const assignment = await authorization.roleAssignments.get(secretScope, ROLE_ASSIGNMENT_NAME);
    return { principalId: workflow.identity?.principalId, roleAssignmentId: assignment.id };
  }
  throw new Error(`unknown action '${action}'`);
}

main().then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error: unknown) => {
    process.stderr.write(
      `${(error as Error).message} ${String((error as { cause?: unknown }).cause ?? '')}\n`,
    );
    process.exit(1);
  },
);
