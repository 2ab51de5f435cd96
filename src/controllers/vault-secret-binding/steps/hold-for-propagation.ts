// The last step: the principal propagation hold (shared/grants/propagation-hold.ts says why).
import { propagationHold } from '../../shared/grants/propagation-hold.ts';
import type { Step } from './step.ts';

export const holdForPropagation: Step = async (run) =>
  propagationHold(run.shared.settings.principalPropagationMs, run.principalAgeMs, run.principal?.principalId);
