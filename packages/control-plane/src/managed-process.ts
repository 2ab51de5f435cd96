// A child process of the control plane: output goes to a log file (its tail is quoted
// when startup fails), and a pid file lets the watchdog reap it if we die uncleanly.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort for a parent that exits without calling stop(): 'exit' handlers must be
  // synchronous, so SIGKILL is all we can do here. The watchdog covers kill -9 of the parent.
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

export class ManagedProcess {
  private readonly child: ChildProcess;
  private readonly logPath: string;
  private readonly pidPath: string;
  private exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  constructor(
    readonly name: string,
    binary: string,
    args: string[],
    workDir: string,
  ) {
    installExitHook();
    this.logPath = path.join(workDir, `${name}.log`);
    this.pidPath = path.join(workDir, `${name}.pid`);
    const log = createWriteStream(this.logPath);
    this.child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: workDir });
    this.child.stdout?.pipe(log);
    this.child.stderr?.pipe(log);
    live.add(this.child);
    if (this.child.pid) writeFileSync(this.pidPath, String(this.child.pid));
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        live.delete(this.child);
        this.exitCode = code ?? (signal ? -1 : null);
        rmSync(this.pidPath, { force: true });
        resolve(this.exitCode);
      });
      this.child.on('error', (error) => {
        live.delete(this.child);
        this.exitCode = -1;
        writeFileSync(this.logPath, `spawn failed: ${error.message}\n`, { flag: 'a' });
        resolve(-1);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** Polls `probe` until it returns true; fails early, with the log's tail, if the process exits. */
  async waitUntil(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running)
        throw new Error(`${this.name} exited (code ${this.exitCode}) before ${what}:\n${this.logTail()}`);
      if (await probe().catch(() => false)) return;
      await sleep(100);
    }
    throw new Error(`${this.name} was not ${what} within ${timeoutMs} ms:\n${this.logTail()}`);
  }

  logTail(lines = 30): string {
    try {
      return readFileSync(this.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** For tests of crash handling: kill without a chance to clean up. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
