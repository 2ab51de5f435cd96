// A step of this kind: the frame's one signature (controllers/shared/frame/steps.ts).
import type { Step as FrameStep } from '../../shared/frame/steps.ts';
import type { RoleGrantRun } from '../context.ts';

export type Step = FrameStep<RoleGrantRun>;
