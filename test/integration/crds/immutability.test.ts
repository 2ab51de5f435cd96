// Transition rules against the real API server: Azure placement and what a binding grants
// cannot change after creation, while other fields of the same objects still can.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createTestNamespace, deleteTestNamespace } from '../support/cluster.ts';
import { transitionCases } from './cases/transitions.ts';
import { type AnyObject, create, replace } from './support/admission.ts';
import { expectAccepted, expectRejected } from './support/expect-rejection.ts';
import { applyShippedCrds } from './support/install.ts';

let ns = '';
beforeAll(async () => {
  await applyShippedCrds();
  ns = await createTestNamespace('crd-immutable');
});
afterAll(() => deleteTestNamespace(ns));

async function stored(object: AnyObject): Promise<AnyObject> {
  const created = await create(ns, object);
  if (!created.ok) throw new Error(`could not create ${object.metadata.name}: ${created.message}`);
  return created.object;
}

describe('transition rules', () => {
  for (const c of transitionCases) {
    it(c.rule, async () => {
      const original = await stored(c.base());
      for (const edit of c.forbidden) {
        const changed = structuredClone(original);
        edit(changed);
        expectRejected(await replace(ns, changed, { dryRun: true }), c.field, c.message);
      }
      for (const edit of c.allowed) {
        const changed = structuredClone(original);
        edit(changed);
        expectAccepted(await replace(ns, changed, { dryRun: true }));
      }
    });
  }
});
