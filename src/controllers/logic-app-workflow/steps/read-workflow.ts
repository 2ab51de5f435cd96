// Step: read the workflow from Azure. A missing resource group surfaces here as a classified
// AzureError (ResourceGroupNotFound, stalled), which the frame turns into the condition.
import type { Step } from '../context.ts';

export const readWorkflow: Step = async (run) => {
  run.observed = await run.gateways.workflows.get(run.ref, { signal: run.signal });
  return undefined;
};
