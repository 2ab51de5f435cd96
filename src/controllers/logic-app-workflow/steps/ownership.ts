// Step: an existing workflow is only touched when logicops owns it (owner tag) or the object
// asks to adopt it (DESIGN.md guarantee 4).
import { Reason } from '../../../crds/index.ts';
import { StalledError } from '../../../runtime/index.ts';
import { ADOPT_ANNOTATION, OWNER_TAG, ownershipOf, wantsAdoption } from '../../shared/owner-tag.ts';
import type { Step } from '../context.ts';

export const checkOwnership: Step = async (run) => {
  if (!run.observed) return undefined;
  const ownership = ownershipOf(run.observed.tags, run.owner);
  if (ownership === 'ours' || wantsAdoption(run.object.metadata.annotations)) return undefined;
  const holder =
    ownership === 'foreign' ? `is owned by '${run.observed.tags[OWNER_TAG]}'` : `has no ${OWNER_TAG} tag`;
  // Someone else's workflow: none of its details belong in this object's status.
  const id = run.observed.id;
  run.observed = undefined;
  throw new StalledError(
    Reason.AlreadyOwned,
    `Azure workflow ${id} already exists and ${holder}; logicops leaves it alone. To take it over, annotate this object ${ADOPT_ANNOTATION}: "true", or choose another spec.azureName.`,
  );
};
