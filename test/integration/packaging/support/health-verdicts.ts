// Runs the real verdicts on one object as the API server returned it: Argo CD's Lua
// (docs/gitops/health.lua under gopher-lua) and Flux's kstatus (sigs.k8s.io/cli-utils).
import path from 'node:path';
import { packagingTools, repoRoot, runTool } from '../../../support/packaging-tools.ts';

export const ARGO_HEALTH_SCRIPT = path.join(repoRoot, 'docs/gitops/health.lua');

export interface Verdicts {
  argo: { status: string; message: string };
  kstatus: { status: string; message: string };
}

export async function verdictsFor(object: unknown): Promise<Verdicts> {
  const tools = await packagingTools();
  const input = JSON.stringify(object);
  const argo = JSON.parse((await runTool(tools.luahealth, [ARGO_HEALTH_SCRIPT], { input })).stdout);
  const [kstatus] = JSON.parse((await runTool(tools.kstatus, [], { input })).stdout) as Verdicts['kstatus'][];
  if (!kstatus) throw new Error('kstatus returned no verdict');
  return { argo, kstatus };
}
