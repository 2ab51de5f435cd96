// Starts the one control plane that every integration test file shares, and stops
// it afterwards. The integration tier never skips itself: if the binaries cannot be
// found or built, the run fails with the reason (see packages/control-plane/src/binaries.ts).

import { ControlPlane } from '@logicops/control-plane';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfigPath: string;
    kubectlPath: string;
    apiServerUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const plane = await ControlPlane.start({
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });
  process.stderr.write(`[integration] control plane up in ${Date.now() - started} ms at ${plane.server}\n`);
  project.provide('kubeconfigPath', plane.kubeconfigPath);
  project.provide('kubectlPath', plane.binaries.kubectl);
  project.provide('apiServerUrl', plane.server);
  return async () => {
    const stopping = Date.now();
    await plane.stop();
    process.stderr.write(`[integration] control plane stopped in ${Date.now() - stopping} ms\n`);
  };
}
