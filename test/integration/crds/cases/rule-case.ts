// The shape of one admission rule under test: variants that must pass, variants that must
// fail, and the field + message the API server must report for the failures.
import type { AnyObject } from '../support/admission.ts';

export interface RuleCase {
  /** The rule in words (test title). */
  rule: string;
  /** A fresh valid object to start from. */
  base: () => AnyObject;
  /** Each edit leaves the object valid (edge cases of the rule). */
  accepted: Array<(o: AnyObject) => void>;
  /** Each edit breaks exactly this rule. */
  rejected: Array<(o: AnyObject) => void>;
  /** Field path the API server reports, e.g. `spec.vaultId`. */
  field: string;
  /** Text that must follow the field path in the error. */
  message: string;
}

/** An update of a stored object: `allowed` edits pass, `forbidden` edits are rejected. */
export interface TransitionCase {
  rule: string;
  base: () => AnyObject;
  allowed: Array<(o: AnyObject) => void>;
  forbidden: Array<(o: AnyObject) => void>;
  field: string;
  message: string;
}

export const repeat = (char: string, n: number) => char.repeat(n);

/** The rule every kind that names a workflow shares: workflowRef.name is a Kubernetes object name. */
export function workflowRefNameRule(base: () => AnyObject): RuleCase {
  return {
    rule: 'workflowRef.name is a Kubernetes object name',
    base,
    accepted: [(o) => (o.spec.workflowRef = { name: 'orders.v2' })],
    rejected: [(o) => (o.spec.workflowRef = { name: 'Orders_Flow' })],
    field: 'spec.workflowRef.name',
    message: 'workflowRef.name must be a LogicAppWorkflow name: lower-case letters, digits, - and .',
  };
}

/** The rule every kind shares: deletionPolicy is Delete or Orphan. */
export function deletionPolicyRule(base: () => AnyObject): RuleCase {
  return {
    rule: 'deletionPolicy is Delete or Orphan',
    base,
    accepted: [(o) => (o.spec.deletionPolicy = 'Orphan')],
    rejected: [(o) => (o.spec.deletionPolicy = 'Keep')],
    field: 'spec.deletionPolicy',
    message: 'Unsupported value: "Keep": supported values: "Delete", "Orphan"',
  };
}
