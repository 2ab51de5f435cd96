// Finds helm, kstatus and luahealth for the packaging tests: built once from the
// committed Go module hack/tools by scripts/build-tools.sh into the user cache.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const chartDir = path.join(repoRoot, 'deploy/helm/logicops');

export interface PackagingTools {
  helm: string;
  kstatus: string;
  luahealth: string;
}

let resolved: Promise<PackagingTools> | undefined;

/** Builds on first use (minutes when cold), then answers from the cache. Fails with the build's output. */
export function packagingTools(): Promise<PackagingTools> {
  resolved ??= (async () => {
    try {
      const { stdout } = await execFileAsync('bash', [path.join(repoRoot, 'scripts/build-tools.sh')], {
        maxBuffer: 16 * 1024 * 1024,
      });
      const folder = stdout.trim().split('\n').pop() ?? '';
      return {
        helm: path.join(folder, 'helm'),
        kstatus: path.join(folder, 'kstatus'),
        luahealth: path.join(folder, 'luahealth'),
      };
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      throw new Error(`scripts/build-tools.sh failed; run it by hand to see why.\n${stderr.slice(-3000)}`);
    }
  })();
  return resolved;
}

/** Runs a tool with optional stdin; rejects with its stderr on a non-zero exit. */
export async function runTool(
  file: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ stdout: string; stderr: string }> {
  const pending = execFileAsync(file, args, {
    maxBuffer: 32 * 1024 * 1024,
    env: { ...process.env, ...options.env },
  });
  pending.child.stdin?.end(options.input ?? '');
  return pending;
}

/** `helm template` of the chart with --set style values; the rendered documents as objects. */
export async function helmTemplate(
  helm: string,
  values: Record<string, string> = {},
  extraArgs: string[] = [],
): Promise<string> {
  const sets = Object.entries(values).flatMap(([key, value]) => ['--set', `${key}=${value}`]);
  const { stdout } = await runTool(helm, [
    'template',
    'logicops',
    chartDir,
    '--namespace',
    'logicops-system',
    ...sets,
    ...extraArgs,
  ]);
  return stdout;
}
