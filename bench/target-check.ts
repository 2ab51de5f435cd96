// One benchmark target applied to one run: what was measured next to what the issue asks. Its
// own module so that the report and each kind's figures (role-grants.ts) share it without a cycle.

export interface TargetCheck {
  name: string;
  target: string;
  measured: string;
  /** Undefined when the run cannot tell (e.g. it did not converge). */
  met: boolean | undefined;
  /** A miss fails the run (issue 24's grant targets); absent: reported only (issue 12's). */
  enforced?: boolean;
}
