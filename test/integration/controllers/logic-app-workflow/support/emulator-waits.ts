// What the LogicAppWorkflow integration tests read from the emulator's request log: how often
// the operator wrote a workflow, and waiting for it to read (resync) a workflow again.
import type { Emulator } from '@logicops/azure-emulator';
import { expect } from 'vitest';
import { eventually } from '../../../../support/eventually.ts';
import { lastSeq, workflowRequests } from '../../must-show-support.ts';

/** PUTs of the workflow the emulator received after request `since` (see `lastSeq`). */
export const workflowWritesSince = (emulator: Emulator, name: string, since: number) =>
  workflowRequests(emulator, name, since, 'Microsoft.Logic/workflows/write').length;

/** Waits until the workflow was read (resynced) at least `times` more times from now. */
export async function waitForWorkflowReads(
  emulator: Emulator,
  name: string,
  times: number,
  timeoutMs: number,
): Promise<void> {
  const seq = lastSeq(emulator);
  await eventually(
    () => {
      expect(
        workflowRequests(emulator, name, seq, 'Microsoft.Logic/workflows/read').length,
      ).toBeGreaterThanOrEqual(times);
    },
    timeoutMs,
    200,
  );
}
