// Step: read the connection from Azure, then decide whether it is this object's to write. A
// connection that exists without this object's owner tag — untagged (made by hand or by
// another tool) or tagged for another owner (another object, namespace or cluster) — is never
// written or deleted: Stalled AlreadyOwned, and none of its details go into this status.
// logicops does not adopt connections: one made elsewhere may carry credentials of its own.
import { connectionId } from '../../../azure/index.ts';
import { Reason } from '../../../crds/index.ts';
import { OWNER_TAG } from '../../../vocabulary.ts';
import { ownershipOf } from '../../shared/owner-tag.ts';
import type { Step } from '../context.ts';

export const readConnection: Step = async (run) => {
  const observed = await run.connections.get(run.ref, { signal: run.signal });
  if (!observed) {
    run.found = 'missing';
    return undefined;
  }
  const ownership = ownershipOf(observed.tags, run.owner);
  if (ownership === 'ours') {
    run.found = 'ours';
    run.observed = observed;
    return undefined;
  }
  run.found = "someone else's";
  const id = connectionId(run.ref);
  return {
    kind: 'stalled',
    reason: Reason.AlreadyOwned,
    message:
      ownership === 'foreign'
        ? `Azure API connection ${id} already exists and is owned by '${observed.tags[OWNER_TAG]}'; logicops never writes a connection tagged for another owner. Choose another spec.azureName.`
        : `Azure API connection ${id} already exists and has no ${OWNER_TAG} tag; logicops leaves it alone. Delete it in Azure, or choose another spec.azureName.`,
  };
};
