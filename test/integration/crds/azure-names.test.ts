// The named cases of every URL-bound field (test/unit/crds/azure-name-cases.ts, each rule with
// its Microsoft source) through the real API server: the CEL patterns run as RE2 there, which
// is where case folding and Unicode classes could differ from the unit tier's JavaScript. Valid
// values are admitted; invalid ones are refused with the field named. And the story from issue
// 20: `kubectl apply` of a workflow with azureName ".." is refused, naming spec.azureName.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameRules } from '../../unit/crds/azure-name-cases.ts';
import { createTestNamespace, deleteTestNamespace, kubectl } from '../support/cluster.ts';
import { type AnyObject, create } from './support/admission.ts';
import { binding, connection, workflow } from './support/fixtures.ts';
import { applyShippedCrds } from './support/install.ts';

let ns = '';
beforeAll(async () => {
  await applyShippedCrds();
  ns = await createTestNamespace('crd-names');
});
afterAll(() => deleteTestNamespace(ns));

function objectWith(kind: string, field: string, value: string): AnyObject {
  const object =
    kind === 'LogicAppWorkflow'
      ? workflow('names')
      : kind === 'LogicAppConnection'
        ? connection('names')
        : binding('names');
  if (field === 'spec.identity.userAssignedIdentityId') {
    object.spec.identity = { type: 'UserAssigned', userAssignedIdentityId: value };
  } else {
    object.spec[field.replace('spec.', '')] = value;
  }
  return object;
}

describe.each(nameRules.map((rules) => [`${rules.kind} ${rules.field}`, rules] as const))(
  '%s',
  (_, rules) => {
    it('admits every valid case', async () => {
      for (const { name, value } of rules.valid) {
        const outcome = await create(ns, objectWith(rules.kind, rules.field, value), { dryRun: true });
        expect.soft(outcome.ok ? 'accepted' : outcome.message, name).toBe('accepted');
      }
    });

    it('refuses every invalid case, naming the field', async () => {
      for (const { name, value } of rules.invalid) {
        const outcome = await create(ns, objectWith(rules.kind, rules.field, value), { dryRun: true });
        expect.soft(outcome.ok, `${name} was admitted`).toBe(false);
        if (!outcome.ok) {
          expect.soft(outcome.status, name).toBe(422);
          expect.soft(outcome.message, name).toContain(`${rules.field}: `);
        }
      }
    });
  },
);

describe('kubectl apply', () => {
  it('refuses azureName ".." with a message naming spec.azureName and what Azure allows', async () => {
    const object = workflow('dot-dot');
    object.metadata.namespace = ns;
    object.spec.azureName = '..';
    const failed = await kubectl(['apply', '-f', '-'], JSON.stringify(object)).then(
      () => undefined,
      (error: { stderr?: string; code?: number }) => error,
    );
    expect(failed, 'kubectl apply succeeded').toBeDefined();
    expect(failed?.code).not.toBe(0);
    expect(failed?.stderr).toContain(
      'spec.azureName: Invalid value: "string": azureName must be 1-43 letters',
    );
    expect(failed?.stderr).toContain("must not end with '.'");
    const listed = await kubectl(['get', 'law', '-n', ns, '-o', 'name']);
    expect(listed.stdout).not.toContain('dot-dot');
  });
});
