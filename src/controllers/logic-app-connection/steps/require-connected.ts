// Step: Ready only when Azure says the connection authenticates (overallStatus Connected). A
// managed-identity connection is Connected as soon as it is written; anything else is Azure's
// word on the connection (its `statuses` carry the detail), looked at again a little later.
import { Reason } from '../../../crds/index.ts';
import type { Step } from '../context.ts';

export const CONNECTED = 'Connected';

export const requireConnected: Step = async (run) => {
  const status = run.observed?.overallStatus;
  if (status === CONNECTED) return undefined;
  return {
    kind: 'waiting',
    reason: Reason.Progressing,
    message: `Azure reports the API connection's overallStatus as ${status ?? 'unknown'}, not ${CONNECTED}; check its statuses in Azure. logicops looks again shortly.`,
    afterMs: run.shared.settings.notConnectedRecheckMs,
  };
};
