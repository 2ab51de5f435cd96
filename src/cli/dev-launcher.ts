// `logicops dev` runs the checkout's dev tooling, dev/dev.ts: it starts the Azure emulator and the
// control-plane harness, workspace packages the operator never ships or depends on. The module is
// named at run time, relative to this file, so bundling the CLI (scripts/bundle-operator.ts) cannot
// follow it: the image has no dev/ folder, and there the command says where to run it instead.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** What dev/dev.ts exports. */
export interface DevTooling {
  runDev(options: { exitWhenReady: boolean }): Promise<number>;
}

export const DEV_TOOLING_URL = new URL('../../dev/dev.ts', import.meta.url);

export const DEV_NEEDS_CHECKOUT =
  'logicops dev is a development command; run it from a checkout of logicops: npm run dev';

/** The dev tooling, or undefined when this CLI runs without a checkout around it (the image). */
export async function loadDevTooling(url: URL = DEV_TOOLING_URL): Promise<DevTooling | undefined> {
  // Only the entry itself missing means "no checkout"; an error while loading it (a module missing
  // inside it: `npm ci` not run) is reported as it is.
  if (!existsSync(fileURLToPath(url))) return undefined;
  return (await import(url.href)) as DevTooling;
}
