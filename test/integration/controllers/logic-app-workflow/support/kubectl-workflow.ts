// A workflow applied the way a platform engineer would, with kubectl, for the tests that drive
// the operator as `logicops run` wires it (support/operator-env.ts).
import { DEMO_RESOURCE_GROUP } from '@logicops/azure-emulator';
import { kubectl } from '../../../support/cluster.ts';
import type { OperatorEnv } from '../../../support/operator-env.ts';

/** Applies a workflow with one Request trigger and no actions, and waits (kubectl) until it is Ready. */
export async function applyRequestWorkflow(env: OperatorEnv, name: string): Promise<void> {
  await kubectl(
    ['apply', '-n', env.namespace, '-f', '-'],
    JSON.stringify({
      apiVersion: 'logicops.io/v1alpha1',
      kind: 'LogicAppWorkflow',
      metadata: { name },
      spec: {
        subscriptionId: env.emulator.subscriptionId,
        resourceGroup: DEMO_RESOURCE_GROUP,
        location: 'westeurope',
        definition: {
          $schema:
            'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
          contentVersion: '1.0.0.0',
          triggers: { manual: { type: 'Request', kind: 'Http', inputs: { schema: {} } } },
          actions: {},
        },
      },
    }),
  );
  await kubectl(['wait', '-n', env.namespace, '--for=condition=Ready', '--timeout=60s', `law/${name}`]);
}
