// The id a workflow's access endpoint and callback URLs address it by
// (`https://prod-00.<region>.logic.azure.com:443/workflows/<id>`): 32 hex digits, stable for the
// workflow's ARM id, like the opaque id Azure hands out.
import { createHash } from 'node:crypto';
import { armKey } from '../ids.ts';

export function accessIdOf(workflowId: string): string {
  return createHash('sha256').update(armKey(workflowId)).digest('hex').slice(0, 32);
}
