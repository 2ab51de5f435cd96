// Every admission rule of every kind, against the real API server: each rule has variants it
// must accept and variants it must reject with the field and message a user will read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCrds } from '../../../src/crds/index.ts';
import { createTestNamespace, deleteTestNamespace } from '../support/cluster.ts';
import { bindingRules } from './cases/binding-rules.ts';
import { connectionRules } from './cases/connection-rules.ts';
import { roleAssignmentRules } from './cases/role-assignment-rules.ts';
import type { RuleCase } from './cases/rule-case.ts';
import { transitionCases } from './cases/transitions.ts';
import { workflowRules } from './cases/workflow-rules.ts';
import { create } from './support/admission.ts';
import { expectAccepted, expectRejected } from './support/expect-rejection.ts';
import { applyShippedCrds } from './support/install.ts';
import { schemaRules } from './support/schema-rules.ts';

let ns = '';
beforeAll(async () => {
  await applyShippedCrds();
  ns = await createTestNamespace('crd-validation');
});
afterAll(() => deleteTestNamespace(ns));

function ruleSuite(kind: string, cases: RuleCase[]) {
  describe(kind, () => {
    for (const c of cases) {
      it(c.rule, async () => {
        for (const [i, edit] of c.accepted.entries()) {
          const object = c.base();
          edit(object);
          const outcome = await create(ns, object, { dryRun: true });
          expect.soft(outcome.ok ? 'accepted' : outcome.message, `accepted variant #${i}`).toBe('accepted');
        }
        for (const [i, edit] of c.rejected.entries()) {
          const object = c.base();
          edit(object);
          const outcome = await create(ns, object, { dryRun: true });
          expect.soft(outcome.ok, `rejected variant #${i}`).toBe(false);
          expectRejected(outcome, c.field, c.message);
        }
      });
    }
  });
}

ruleSuite('LogicAppWorkflow', workflowRules);
ruleSuite('VaultSecretBinding', bindingRules);
ruleSuite('WorkflowRoleAssignment', roleAssignmentRules);
ruleSuite('LogicAppConnection', connectionRules);

describe('coverage', () => {
  it('the base objects are valid', async () => {
    for (const c of [...workflowRules, ...bindingRules, ...roleAssignmentRules, ...connectionRules])
      expectAccepted(await create(ns, c.base(), { dryRun: true }));
  });

  it.each([
    ['LogicAppWorkflow', workflowRules],
    ['VaultSecretBinding', bindingRules],
    ['WorkflowRoleAssignment', roleAssignmentRules],
    ['LogicAppConnection', connectionRules],
  ] as const)('every %s rule in the CRD has accepted and rejected cases', (kind, cases) => {
    const crd = allCrds().find((c) => c.spec.names.kind === kind)!;
    const transitions = transitionCases.filter((c) => c.base().kind === kind);
    const untested = schemaRules([crd]).filter((rule) => {
      if (rule.transition) return !transitions.some((c) => c.message === rule.message);
      // CEL messages are unique; built-in rules (enum, counts) share wording, so match the field too.
      return !cases.some(
        (c) =>
          c.message.includes(rule.message) &&
          (rule.builtIn ? c.field.replace(/\[\d+\]/g, '[]') === rule.path : true),
      );
    });
    expect(untested).toEqual([]);
  });
});
