// The principal to grant is the one the workflow controller vouches for
// (shared/grants/vouched-principal.ts); without one, what the record granted is revoked first.
import { resolveVouchedPrincipal } from '../../shared/grants/vouched-principal.ts';
import { revokeRecorded } from '../revoke.ts';
import type { Step } from './step.ts';

export const resolvePrincipal: Step = (run) => resolveVouchedPrincipal(run, () => revokeRecorded(run));
