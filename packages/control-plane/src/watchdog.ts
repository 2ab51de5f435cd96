// Reaps a control plane whose owner died without stopping it (kill -9, OOM, a
// crashed test runner): a detached shell polls the owner's pid and, once it is gone,
// SIGKILLs every process with a pid file in the work dir and removes the dir.
// A normal stop() removes the dir and then ends the watchdog (`stopWatchdog`).
import { spawn } from 'node:child_process';

const SCRIPT = `
owner="$1"; dir="$2"
while kill -0 "$owner" 2>/dev/null && [ -d "$dir" ]; do sleep 1; done
[ -d "$dir" ] || exit 0
for f in "$dir"/*.pid; do [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null; done
sleep 1
rm -rf "$dir"
`;

/** Returns a function that ends the watchdog (once its work dir is gone it has nothing to guard). */
export function startWatchdog(workDir: string, ownerPid = process.pid): () => void {
  const child = spawn('sh', ['-c', SCRIPT, 'logicops-watchdog', String(ownerPid), workDir], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  return () => {
    child.kill('SIGKILL');
  };
}
