// helm against a test control plane, with its config, cache and data in a private folder
// so tests never read or write the user's helm setup.
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { packagingTools, runTool } from '../../../support/packaging-tools.ts';

export interface Helm {
  run(args: string[], input?: string): Promise<{ stdout: string; stderr: string }>;
}

export async function helmFor(kubeconfigPath: string): Promise<Helm> {
  const { helm } = await packagingTools();
  const home = await mkdtemp(path.join(os.tmpdir(), 'logicops-helm-'));
  const env = {
    HELM_CONFIG_HOME: path.join(home, 'config'),
    HELM_CACHE_HOME: path.join(home, 'cache'),
    HELM_DATA_HOME: path.join(home, 'data'),
    KUBECONFIG: kubeconfigPath,
  };
  return {
    async run(args, input) {
      try {
        return await runTool(helm, args, { env, ...(input === undefined ? {} : { input }) });
      } catch (error) {
        const { stderr, stdout } = error as { stderr?: string; stdout?: string };
        throw new Error(`helm ${args.join(' ')} failed:\n${stderr ?? ''}${stdout ?? ''}`);
      }
    },
  };
}
