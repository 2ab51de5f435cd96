// spec.connections of a LogicAppWorkflow (issue 24): which LogicAppConnections the definition
// uses, under which `$connections` key. logicops writes `$connections` from this list.
import { celMatches, KUBERNETES_NAME, WORKFLOW_PARAMETER_NAME } from '../azure-formats.ts';
import { object, string, withRules } from '../schema/builders.ts';
import type { JsonSchema } from '../schema/json-schema.ts';
import type { WorkflowConnection } from './types.ts';

/** A Consumption workflow's definition rarely uses more than a handful of connectors. */
export const MAX_CONNECTIONS = 32;

export const connectionsSchema: JsonSchema = {
  type: 'array',
  description: `The API connections the definition uses as @parameters('$connections')['<name>']. logicops writes the $connections parameter from them, authenticated by this workflow's managed identity; the definition must declare $connections (type Object) and spec.parameters must not set it. At most ${MAX_CONNECTIONS}.`,
  maxItems: MAX_CONNECTIONS,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['name'],
  items: object(
    'One entry of $connections.',
    {
      name: withRules(
        string("The key in $connections, as the definition's ApiConnection actions name it.", {
          minLength: 1,
          maxLength: WORKFLOW_PARAMETER_NAME.maxLength,
        }),
        {
          rule: celMatches(WORKFLOW_PARAMETER_NAME),
          message: `connections[].name must be a $connections key: ${WORKFLOW_PARAMETER_NAME.allows}`,
        },
      ),
      connectionRef: object(
        'A LogicAppConnection in the same namespace.',
        {
          name: withRules(
            string('LogicAppConnection name.', { minLength: 1, maxLength: KUBERNETES_NAME.maxLength }),
            {
              rule: celMatches(KUBERNETES_NAME),
              message:
                'connections[].connectionRef.name must be a LogicAppConnection name: lower-case letters, digits, - and .',
            },
          ),
        },
        { required: ['name'] },
      ),
    } satisfies Record<keyof WorkflowConnection, JsonSchema>,
    { required: ['name', 'connectionRef'] },
  ),
};
