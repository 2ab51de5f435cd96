// Step: PUT the connection when it is missing or differs from the spec (drift someone made in
// Azure is repaired here); at steady state this pass wrote nothing (one GET). The PUT sends
// the whole resource: the managed-identity parameter value set, the display name, the API and
// the tags with the owner tag.
import { connectionDrift } from '../../../azure/index.ts';
import { pausedWrite } from '../../shared/grants/write-refusals.ts';
import type { Step } from '../context.ts';
import { desiredConnection } from '../desired-connection.ts';

export const writeConnection: Step = async (run) => {
  const desired = desiredConnection(run.object, run.owner);
  const drift = run.observed ? connectionDrift(run.spec.subscriptionId, run.observed, desired) : ['created'];
  if (drift.length === 0) return undefined;
  if (run.paused) return pausedWrite(run, `would ${run.observed ? 'update' : 'create'} the API connection`);
  run.observed = await run.connections.createOrUpdate(run.ref, desired, { signal: run.signal });
  run.found = 'ours';
  run.repaired = drift;
  return undefined;
};
