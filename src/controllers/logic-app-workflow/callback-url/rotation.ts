// When a workflow's access key is regenerated (pure, on the injected clock): on a
// `logicops.io/rotate-access-key` value status has not echoed yet, or when spec.callbackUrl.
// rotateEvery has passed since status.callbackUrl.lastRotationTime. Status is the memory here,
// as for the reconcile-request annotation: a forged or lost status can only move the rotation of
// this workflow's own key (a lost lastRotationTime restarts the count, never rotates at once).
import { createHash } from 'node:crypto';
import { parseDuration } from '../../../config.ts';
import type { CallbackUrlSpec, CallbackUrlStatus } from '../../../crds/index.ts';

export type RotationCause = { by: 'annotation'; request: string } | { by: 'schedule'; every: string };

/** The annotation value as status keeps it: itself, or a digest when longer than status allows. */
export function handledRequestValue(annotation: string): string {
  return annotation.length <= 256
    ? annotation
    : `sha256:${createHash('sha256').update(annotation).digest('hex')}`;
}

export function rotationDue(input: {
  spec: CallbackUrlSpec;
  status: CallbackUrlStatus | undefined;
  /** The `logicops.io/rotate-access-key` annotation value, if any. */
  annotation: string | undefined;
  now: Date;
}): RotationCause | undefined {
  const { spec, status, annotation, now } = input;
  if (annotation !== undefined && handledRequestValue(annotation) !== status?.lastHandledRotateRequest) {
    return { by: 'annotation', request: annotation };
  }
  if (spec.rotateEvery === undefined) return undefined;
  const everyMs = parseDuration(spec.rotateEvery);
  const last = status?.lastRotationTime === undefined ? Number.NaN : Date.parse(status.lastRotationTime);
  // Admission refuses a malformed rotateEvery; without a known last rotation nothing is due yet.
  if (everyMs === undefined || everyMs <= 0 || Number.isNaN(last)) return undefined;
  return now.getTime() - last >= everyMs ? { by: 'schedule', every: spec.rotateEvery } : undefined;
}
