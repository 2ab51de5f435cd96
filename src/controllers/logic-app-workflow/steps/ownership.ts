// Step: an existing workflow is only touched when logicops owns it (this object's owner tag), or
// when it carries no owner tag at all and both the object asks to adopt it and a cluster admin
// allows adoption in the namespace (docs/design.md guarantee 4, issue 20). A workflow tagged for
// another owner — another namespace, object or cluster — is never adopted: adopting it would
// run this team's definition as the other team's identity, with the other team's grants.
//
// Adopting a system-assigned workflow keeps its identity (no cycling): adoption exists to bring
// a team's own hand-made workflows under logicops without an outage, and a principal cycle would
// break every grant made for it elsewhere. Whatever the principal held before stays held; the
// admin's permission and the namespace policy (the workflow's resource group must be allowed)
// are what make that acceptable. docs/security.md says so.
import { Reason } from '../../../crds/index.ts';
import { StalledError } from '../../../runtime/index.ts';
import { ADOPT_ANNOTATION, ALLOW_ADOPTION_ANNOTATION, OWNER_TAG } from '../../../vocabulary.ts';
import { ownershipOf, wantsAdoption } from '../../shared/owner-tag.ts';
import type { Step, WorkflowRun } from '../context.ts';
import { withdrawIdentity } from '../vouched-identity.ts';

export const checkOwnership: Step = async (run) => {
  if (!run.observed) return undefined;
  const ownership = ownershipOf(run.observed.tags, run.owner);
  if (ownership === 'ours') return undefined;
  if (ownership === 'unowned' && mayAdopt(run)) return undefined;
  const id = run.observed.id;
  const message =
    ownership === 'foreign'
      ? `Azure workflow ${id} already exists and is owned by '${run.observed.tags[OWNER_TAG]}'; logicops never takes over a workflow tagged for another owner. Choose another spec.azureName.`
      : `Azure workflow ${id} already exists and has no ${OWNER_TAG} tag; logicops leaves it alone. To take it over, a cluster admin annotates the namespace ${ALLOW_ADOPTION_ANNOTATION}: "true" and this object carries ${ADOPT_ANNOTATION}: "true"; or choose another spec.azureName.`;
  // Someone else's workflow: none of its details belong in this object's status, and its
  // principal is not one logicops may grant anything to.
  run.observed = undefined;
  await withdrawIdentity(run);
  throw new StalledError(Reason.AlreadyOwned, message);
};

/** Adoption of an untagged workflow: the object asks, and a cluster admin allows it for the namespace. */
function mayAdopt(run: WorkflowRun): boolean {
  const annotations = run.deps.namespaces.get(run.namespace)?.metadata?.annotations;
  return (
    wantsAdoption(run.object.metadata.annotations) &&
    run.deps.settings.namespacePolicy.allowsAdoption(annotations)
  );
}
