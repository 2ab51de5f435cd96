// The namespace-policy annotations under which every sample in config/samples/ converges against
// the emulator's demo world: all of the subscription's resource groups and vaults, and the
// WorkflowRoleAssignment sample's Service Bus namespace and role. One definition for `npm run dev`
// and the integration tests that apply the samples (test/integration/support/emulator-world.ts).
import { DEMO_RESOURCE_GROUP } from '@logicops/azure-emulator';
import {
  ALLOWED_RESOURCE_GROUPS_ANNOTATION,
  ALLOWED_ROLE_SCOPES_ANNOTATION,
  ALLOWED_ROLES_ANNOTATION,
  ALLOWED_VAULTS_ANNOTATION,
} from '../src/vocabulary.ts';

/** The Service Bus namespace the WorkflowRoleAssignment sample grants on (its queue is below it). */
export const DEMO_SERVICE_BUS_NAMESPACE = 'logicops-demo-sb';

/** `subscriptionRoot`: `/subscriptions/<id>` of the emulator's demo subscription. */
export function demoNamespaceAnnotations(subscriptionRoot: string): Record<string, string> {
  return {
    [ALLOWED_RESOURCE_GROUPS_ANNOTATION]: `${subscriptionRoot}/resourceGroups/*`,
    [ALLOWED_VAULTS_ANNOTATION]: `${subscriptionRoot}/resourceGroups/*/providers/Microsoft.KeyVault/vaults/*`,
    [ALLOWED_ROLE_SCOPES_ANNOTATION]: `${subscriptionRoot}/resourceGroups/${DEMO_RESOURCE_GROUP}/providers/Microsoft.ServiceBus/namespaces/${DEMO_SERVICE_BUS_NAMESPACE}`,
    [ALLOWED_ROLES_ANNOTATION]: 'Azure Service Bus Data Receiver',
  };
}
