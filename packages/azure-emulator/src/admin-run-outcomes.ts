// The admin API's run outcomes (/_emulator/…/run-outcome): how the next runs of a workflow end,
// whichever way they start (its callback URL, or a trigger's `run` action). The emulator runs no
// actions, so a test that needs a failed run says so here. No authentication: local use only,
// like the rest of the admin API.
import { isObject } from './arm/common.ts';
import type { EmulatorCore } from './core.ts';
import { armErrors } from './errors.ts';
import { armKey, providerResourceId } from './ids.ts';
import { json, jsonBody, param, type RequestContext, type Route } from './pipeline.ts';
import { pathPattern } from './router.ts';
import type { RunOutcome } from './state.ts';

const OUTCOMES: readonly RunOutcome['status'][] = ['Succeeded', 'Failed', 'Cancelled'];
const SHAPE =
  "{status: 'Succeeded' | 'Failed' | 'Cancelled', error?: {code: string, message: string}} (error only with Failed)";

/** The workflow's key in the state, or 404 as ARM would answer for a missing workflow. */
function workflowKey(core: EmulatorCore, ctx: RequestContext): string {
  const id = providerResourceId(
    param(ctx, 'subscriptionId'),
    param(ctx, 'resourceGroup'),
    'Microsoft.Logic/workflows',
    param(ctx, 'name'),
  );
  if (!core.state.workflows[armKey(id)]) {
    throw armErrors.resourceNotFound(
      'Microsoft.Logic/workflows',
      param(ctx, 'name'),
      param(ctx, 'resourceGroup'),
    );
  }
  return armKey(id);
}

function readOutcome(body: unknown): RunOutcome {
  if (!isObject(body) || !OUTCOMES.includes(body.status as RunOutcome['status'])) {
    throw armErrors.badRequest('BadRequest', `Body must be ${SHAPE}.`);
  }
  const status = body.status as RunOutcome['status'];
  if (body.error === undefined) {
    // A failed run without an error would be unlike Azure's: give it the commonest one.
    return status === 'Failed'
      ? {
          status,
          error: { code: 'ActionFailed', message: 'An action failed. No dependent actions succeeded.' },
        }
      : { status };
  }
  const { error } = body;
  if (
    status !== 'Failed' ||
    !isObject(error) ||
    typeof error.code !== 'string' ||
    typeof error.message !== 'string'
  ) {
    throw armErrors.badRequest('BadRequest', `Body must be ${SHAPE}.`);
  }
  return { status, error: { code: error.code, message: error.message } };
}

export function runOutcomeAdminRoutes(core: EmulatorCore): Route[] {
  const template =
    '/_emulator/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/workflows/{name}/run-outcome';
  const route = (method: string, operation: string, handler: Route['handler']): Route => ({
    plane: 'admin',
    kind: 'admin',
    method,
    pattern: pathPattern(template),
    operation: `Admin/${operation}`,
    handler,
  });
  return [
    route('GET', 'get-run-outcome', (ctx) =>
      json(200, core.state.runOutcomes[workflowKey(core, ctx)] ?? { status: 'Succeeded' }),
    ),
    route('PUT', 'set-run-outcome', (ctx) => {
      const key = workflowKey(core, ctx);
      let outcome: RunOutcome;
      try {
        outcome = readOutcome(jsonBody(ctx));
      } catch (error) {
        if (error instanceof SyntaxError) throw armErrors.badRequest('BadRequest', `Body must be ${SHAPE}.`);
        throw error;
      }
      core.state.runOutcomes[key] = outcome;
      return json(200, outcome);
    }),
    route('DELETE', 'reset-run-outcome', (ctx) => {
      delete core.state.runOutcomes[workflowKey(core, ctx)];
      return { status: 204 };
    }),
  ];
}
