// Keeps one operator process running and kills it with SIGKILL at random moments, restarting it
// each time: the "kill -9 at random moments" of issue 13. Most kills land a random delay after
// the process became ready (mid-reconcile, between an Azure write and its status update); a
// share lands during start-up. Measuring from readiness, not from spawn, matters: start-up
// takes seconds on two cores, and kills timed from spawn would mostly hit a process that had
// not yet done anything. A process that exits on its own is restarted too, and counted.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type OperatorProcess,
  type OperatorSettings,
  startOperatorProcess,
} from '../../support/operator-process.ts';

/** One kill in five hits a process that is still starting (informers listing, caches syncing). */
const STARTUP_KILL_SHARE = 0.2;

export class CrashLoop {
  kills = 0;
  killsDuringStartup = 0;
  unexpectedExits = 0;
  private current: OperatorProcess | undefined;

  constructor(
    private readonly settings: OperatorSettings,
    private readonly random: () => number,
    private readonly delayMs: { min: number; max: number },
  ) {}

  get operator(): OperatorProcess {
    if (!this.current) throw new Error('the crash loop has not started');
    return this.current;
  }

  async start(): Promise<OperatorProcess> {
    this.current = await startOperatorProcess(this.settings);
    return this.current;
  }

  /**
   * `count` kills, each a random delay after the previous (re)start. `beforeKill(k)` runs first
   * each time: feeding work in waves keeps every incarnation busy, so kills land mid-reconcile.
   */
  async kill(count: number, beforeKill: (k: number) => Promise<void> = async () => {}): Promise<void> {
    for (let k = 0; k < count; k++) {
      await beforeKill(k);
      const { min, max } = this.delayMs;
      const victim = this.operator;
      if (this.random() < STARTUP_KILL_SHARE) {
        this.killsDuringStartup++;
        await sleep(this.random() * max);
      } else {
        await victim.ready(60_000).catch(() => undefined);
        await sleep(min + this.random() * (max - min));
      }
      if (victim.hasExited()) this.unexpectedExits++;
      victim.signal('SIGKILL');
      await victim.exited;
      this.kills++;
      this.current = await startOperatorProcess(this.settings);
    }
  }

  async stop(): Promise<void> {
    await this.current?.stop();
  }
}
