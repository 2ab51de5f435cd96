// Finds kube-apiserver, etcd and kubectl the way envtest does, and builds them from
// Go modules (scripts/build-control-plane.sh) when nothing points at them.
import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ControlPlaneBinaries {
  kubeApiserver: string;
  etcd: string;
  kubectl: string;
}

// The build script and its pinned Go modules (hack/control-plane/) stay at the repository root,
// beside the other Go-tool builds that share their cache steps (scripts/lib/).
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const buildScript = path.join(repoRoot, 'scripts/build-control-plane.sh');

export class BinariesUnavailableError extends Error {
  override readonly name = 'BinariesUnavailableError';
}

/**
 * Order: TEST_ASSET_KUBE_APISERVER / TEST_ASSET_ETCD / TEST_ASSET_KUBECTL, then
 * KUBEBUILDER_ASSETS, then a build into the user cache (reused on later runs).
 * `onProgress` receives the build's lines, so a first build of many minutes is visible.
 */
export async function resolveBinaries(
  onProgress: (line: string) => void = () => {},
): Promise<ControlPlaneBinaries> {
  const env = process.env;
  const assets = env.KUBEBUILDER_ASSETS;
  if (assets || (env.TEST_ASSET_KUBE_APISERVER && env.TEST_ASSET_ETCD)) {
    const found = {
      kubeApiserver: env.TEST_ASSET_KUBE_APISERVER ?? path.join(assets ?? '', 'kube-apiserver'),
      etcd: env.TEST_ASSET_ETCD ?? path.join(assets ?? '', 'etcd'),
      kubectl: env.TEST_ASSET_KUBECTL ?? path.join(assets ?? '', 'kubectl'),
    };
    await requireExecutables(found, 'KUBEBUILDER_ASSETS / TEST_ASSET_*');
    return found;
  }
  const folder = await runBuildScript(onProgress);
  const built = {
    kubeApiserver: path.join(folder, 'kube-apiserver'),
    etcd: path.join(folder, 'etcd'),
    kubectl: path.join(folder, 'kubectl'),
  };
  await requireExecutables(built, buildScript);
  return built;
}

async function requireExecutables(binaries: ControlPlaneBinaries, source: string): Promise<void> {
  const missing: string[] = [];
  for (const file of Object.values(binaries)) {
    try {
      await access(file, constants.X_OK);
    } catch {
      missing.push(file);
    }
  }
  if (missing.length > 0) {
    throw new BinariesUnavailableError(
      `control-plane binaries not found (from ${source}): ${missing.join(', ')}. ` +
        'Unset KUBEBUILDER_ASSETS to let `npm run control-plane:build` build them from Go modules, or point it at a folder with kube-apiserver, etcd and kubectl.',
    );
  }
}

function runBuildScript(onProgress: (line: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [buildScript], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderrTail = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderrTail = (stderrTail + text).slice(-4000);
      for (const line of text.split('\n')) if (line.trim()) onProgress(line);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const folder = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && folder) resolve(folder);
      else
        reject(
          new BinariesUnavailableError(
            `building the control plane failed (exit ${code}). Last output:\n${stderrTail}\n` +
              'Run `npm run control-plane:build` to see the whole build, or set KUBEBUILDER_ASSETS.',
          ),
        );
    });
  });
}
