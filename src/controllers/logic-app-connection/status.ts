// A LogicAppConnection's fields of status, written by the frame's one status write: the ids a
// workflow's `$connections` uses and Azure's overall status — only while the connection in
// Azure is this object's (after AlreadyOwned nothing of someone else's connection is shown).
import type { LogicAppConnectionStatus } from '../../crds/index.ts';
import { RECONCILE_REQUEST_ANNOTATION } from '../../vocabulary.ts';
import { connectionApiId, connectionResourceId } from '../shared/connection-ids.ts';
import type { ConnectionRun } from './context.ts';

export function projectConnectionStatus(status: LogicAppConnectionStatus, run: ConnectionRun): void {
  const observed = run.observed;
  if (run.found === 'ours' && observed) {
    status.resourceId = connectionResourceId(run.object);
    status.apiId = connectionApiId(run.object);
    if (observed.overallStatus === undefined) delete status.overallStatus;
    else status.overallStatus = observed.overallStatus;
  } else if (run.found !== undefined) {
    delete status.resourceId;
    delete status.apiId;
    delete status.overallStatus;
  }
  const request = run.object.metadata.annotations?.[RECONCILE_REQUEST_ANNOTATION];
  if (request !== undefined) status.lastHandledReconcileRequest = request;
}
