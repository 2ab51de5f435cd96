// Schema of the run report in LogicAppWorkflow status (issue 25): the newest run and the
// triggers, as Azure reports them. Bounded like the rest of status: a workflow has at most 10
// triggers (Microsoft Learn, "Limits and configuration reference for Azure Logic Apps").
import { object, string } from '../schema/builders.ts';
import type { JsonSchema } from '../schema/json-schema.ts';
import type { WorkflowLastRun, WorkflowTriggerStatus } from './types.ts';

/** Azure allows 10 triggers per workflow; status lists them all. */
export const MAX_TRIGGERS = 10;

/** Longest strings status holds (WDL names are at most 80 characters; run ids are 34): the controller cuts longer ones. */
export const RUN_STATUS_LIMITS = { name: 256, status: 32, errorCode: 128 } as const;
const NAME_MAX = RUN_STATUS_LIMITS.name;

export const lastRunSchema = object(
  'The newest run Azure reports for the workflow, read at most once per resync period (not every reconcile). Names and times only: never inputs or outputs. A failed run is also announced once by a Warning Event (WorkflowRunFailed). docs/controllers/logic-app-workflow.md, "Run visibility", has an example.',
  {
    name: string('The run id.', { maxLength: NAME_MAX }),
    status: string('Run status: Running, Succeeded, Failed, Cancelled, …', {
      maxLength: RUN_STATUS_LIMITS.status,
    }),
    startTime: string('When the run started.', { format: 'date-time' }),
    endTime: string('When the run ended; absent while it runs.', { format: 'date-time' }),
    trigger: string('The trigger that started the run.', { maxLength: NAME_MAX }),
    errorCode: string('The error code of a failed run, e.g. ActionFailed (the message is not copied).', {
      maxLength: RUN_STATUS_LIMITS.errorCode,
    }),
  } satisfies Record<keyof WorkflowLastRun, JsonSchema>,
  { required: ['name', 'status'] },
);

export const triggersSchema: JsonSchema = {
  type: 'array',
  description: 'The triggers of the workflow as Azure reports them, read with the last run.',
  maxItems: MAX_TRIGGERS,
  'x-kubernetes-list-type': 'atomic',
  items: object(
    'One trigger.',
    {
      name: string('The trigger name in the definition.', { maxLength: NAME_MAX }),
      state: string('Enabled or Disabled.', { maxLength: RUN_STATUS_LIMITS.status }),
      lastExecutionTime: string('When the trigger last fired.', { format: 'date-time' }),
      nextExecutionTime: string('When a scheduled trigger fires next.', { format: 'date-time' }),
    } satisfies Record<keyof WorkflowTriggerStatus, JsonSchema>,
    { required: ['name'] },
  ),
};
