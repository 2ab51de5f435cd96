// One table for every kind (issue 22): the same failure of Azure, or of anything else, ends a
// pass of a LogicAppWorkflow, a VaultSecretBinding and a WorkflowRoleAssignment the same way — the same queue answer
// and the same conditions. Each kind runs its real reconcile (unit fakes around it); the error
// is thrown by the kind's first Azure read.
import { describe, expect, it } from 'vitest';
import { AzureError, type AzureFailure, InvalidAzureNameError } from '../../../../../src/azure/index.ts';
import { type ReconcileResult, StalledError, TerminalError } from '../../../../../src/runtime/index.ts';
import { ReconcileHarness, workflowObject } from '../../logic-app-workflow/support/reconcile-harness.ts';
import { addTestVault, createWorld, PRINCIPAL } from '../../vault-secret-binding/support/world.ts';
import {
  createRoleWorld,
  PRINCIPAL as ROLE_PRINCIPAL,
} from '../../workflow-role-assignment/support/world.ts';

interface Pass {
  /** What the reconcile returned, or the error it threw. */
  answer: ReconcileResult | Error;
  conditions: Array<{ type: string; status: string; reason: string; message: string }>;
  warnings: string[];
}

/** A kind under test: make its first Azure read throw `error`, then run one pass. */
type KindHarness = (error: Error) => Promise<Pass>;

const azureError = (failure: AzureFailure, operation: string) => new AzureError(operation, failure);

const workflowKind: KindHarness = async (error) => {
  const h = new ReconcileHarness();
  const gateways = h.azure.gateways();
  h.deps.gatewaysFor = () => ({
    ...gateways,
    workflows: {
      ...gateways.workflows,
      get: async () => {
        throw error;
      },
    },
  });
  const object = workflowObject({ definition: { actions: {} } });

  const answer = await h.run(object).catch((thrown: Error) => thrown);
  const stored = h.stored();
  return {
    answer,
    conditions: (stored?.status?.conditions ?? []) as Pass['conditions'],
    warnings: h.events.recorded.filter((e) => e.type === 'Warning').map((e) => e.reason),
  };
};

const bindingKind: KindHarness = async (error) => {
  const world = createWorld();
  world.allowVaults();
  world.workflow('wf', PRINCIPAL);
  addTestVault(world);
  world.binding('b1');
  world.azure.failNext('vaults.get', error);
  const answer = await world.reconcile('b1');
  const stored = world.get('b1');
  return {
    answer,
    conditions: (stored.status?.conditions ?? []) as Pass['conditions'],
    warnings: world.events.filter((e) => e.type === 'Warning').map((e) => e.reason),
  };
};

const roleAssignmentKind: KindHarness = async (error) => {
  const world = createRoleWorld();
  world.allow();
  world.workflow('wf', ROLE_PRINCIPAL);
  world.assignment('r1');
  world.azure.failNext('roleAssignments.get', error);
  const answer = await world.pass('r1');
  const stored = world.get('r1');
  return {
    answer,
    conditions: (stored.status?.conditions ?? []) as Pass['conditions'],
    warnings: world.events.filter((e) => e.type === 'Warning').map((e) => e.reason),
  };
};

interface Row {
  what: string;
  error: (operation: string) => Error;
  /** The queue's answer: a result, or the class of the error thrown. */
  answer: ReconcileResult | 'TerminalError' | 'StalledError' | 'the error itself';
  ready: { status: 'True' | 'False'; reason: string; message?: RegExp };
  /** The condition beside Ready: Reconciling=True or Stalled=True. */
  beside: 'Reconciling' | 'Stalled';
  warning?: string;
}

const ROWS: Row[] = [
  {
    // The difference issue 22 removed: bindings used to retry this every resync.
    what: 'Azure refuses the spec (400, InvalidSpec)',
    error: (op) => azureError({ kind: 'stalled', reason: 'InvalidSpec', message: 'bad template' }, op),
    answer: 'TerminalError',
    ready: { status: 'False', reason: 'InvalidSpec', message: /bad template/ },
    beside: 'Stalled',
    warning: 'InvalidSpec',
  },
  {
    what: 'the caller may not (403 AuthorizationFailed, principal not new)',
    error: (op) => azureError({ kind: 'stalled', reason: 'AuthorizationFailed', message: 'denied' }, op),
    answer: 'StalledError',
    ready: { status: 'False', reason: 'AuthorizationFailed', message: /denied/ },
    beside: 'Stalled',
    warning: 'AuthorizationFailed',
  },
  {
    what: 'the resource group is missing',
    error: (op) => azureError({ kind: 'stalled', reason: 'ResourceGroupNotFound', message: 'no rg' }, op),
    answer: 'StalledError',
    ready: { status: 'False', reason: 'ResourceGroupNotFound' },
    beside: 'Stalled',
    warning: 'ResourceGroupNotFound',
  },
  {
    what: 'ARM throttles (429, Retry-After 7 s)',
    error: (op) => azureError({ kind: 'throttled', retryAfterMs: 7_000, message: 'slow down' }, op),
    answer: { type: 'requeueAfter', delayMs: 7_000 },
    ready: { status: 'False', reason: 'Throttled', message: /retrying in 7 s\. slow down/ },
    beside: 'Reconciling',
  },
  {
    what: 'a transient Azure failure (500)',
    error: (op) => azureError({ kind: 'retry', reason: 'serverError', message: 'try later' }, op),
    answer: 'the error itself',
    ready: { status: 'False', reason: 'Progressing', message: /failed; retrying with backoff: try later/ },
    beside: 'Reconciling',
  },
  {
    what: 'an error that is not Azure’s (a bug, a socket)',
    error: () => new Error('socket hang up'),
    answer: 'the error itself',
    ready: { status: 'False', reason: 'Progressing', message: /^Retrying after an error: socket hang up$/ },
    beside: 'Reconciling',
  },
  {
    what: 'a name a gateway refuses to put into a URL',
    error: () => new InvalidAzureNameError('vault name', 'a b', 'letters, digits and hyphens'),
    answer: 'TerminalError',
    ready: {
      status: 'False',
      reason: 'InvalidSpec',
      message: /logicops sent nothing to Azure: correct the spec\.$/,
    },
    beside: 'Stalled',
    warning: 'InvalidSpec',
  },
];

const KINDS: Array<[string, KindHarness, string]> = [
  ['LogicAppWorkflow', workflowKind, 'workflows.get'],
  ['VaultSecretBinding', bindingKind, 'vaults.get'],
  ['WorkflowRoleAssignment', roleAssignmentKind, 'roleAssignments.get'],
];

describe.each(KINDS)('%s: one outcome mapping', (_kind, run, operation) => {
  it.each(ROWS.map((row) => [row.what, row] as const))('%s', async (_what, row) => {
    const error = row.error(operation);
    const pass = await run(error);
    if (row.answer === 'TerminalError') expect(pass.answer).toBeInstanceOf(TerminalError);
    else if (row.answer === 'StalledError') expect(pass.answer).toBeInstanceOf(StalledError);
    else if (row.answer === 'the error itself') expect(pass.answer).toBe(error);
    else expect(pass.answer).toEqual(row.answer);
    const ready = pass.conditions.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: row.ready.status, reason: row.ready.reason });
    if (row.ready.message) expect(ready?.message).toMatch(row.ready.message);
    const beside = pass.conditions.find((c) => c.type === row.beside);
    expect(beside).toMatchObject({ status: 'True', reason: row.ready.reason });
    const other = row.beside === 'Stalled' ? 'Reconciling' : 'Stalled';
    expect(pass.conditions.find((c) => c.type === other)).toBeUndefined();
    expect(pass.warnings).toEqual(row.warning ? [row.warning] : []);
  });
});
