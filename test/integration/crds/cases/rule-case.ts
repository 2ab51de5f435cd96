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
