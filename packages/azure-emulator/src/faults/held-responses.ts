// Answers of applied writes kept back by the `hold` after-commit fault, until a test releases
// them: Azure has made the change, the caller has not heard of it. A test waits until a write is
// held (then it knows the change is in), does what it came for — kill -9 the caller, say — and
// releases the answer (sent to whoever still listens, or the connection dropped).
import { newGuid } from '../ids.ts';
import type { EmulatorResponse, RequestContext } from '../pipeline.ts';

export type ReleaseAnswer = 'send' | 'drop';

export interface HeldResponse {
  id: string;
  operation: string;
  method: string;
  path: string;
  /** The status the write was answered with (sent on release with `send`). */
  status: number;
  /** When the answer was held, on the emulator's clock. */
  heldAt: string;
  /** The caller closed its connection while waiting (gave up, or its process died). */
  clientGone: boolean;
}

interface Entry {
  info: HeldResponse;
  release: (answer: ReleaseAnswer) => void;
}

interface Waiter {
  count: number;
  resolve: (held: HeldResponse[]) => void;
}

export class HeldResponses {
  readonly #entries = new Map<string, Entry>();
  #waiters: Waiter[] = [];

  constructor(private readonly now: () => number) {}

  /**
   * Keeps `response` back until released. Resolves with what the pipeline then sends: the
   * response, or a dropped connection (also when the caller went away meanwhile).
   */
  hold(ctx: RequestContext, response: EmulatorResponse): Promise<EmulatorResponse> {
    const info: HeldResponse = {
      id: newGuid(),
      operation: ctx.match.route.operation,
      method: ctx.method,
      path: ctx.path,
      status: response.status,
      heldAt: new Date(this.now()).toISOString(),
      clientGone: ctx.clientGone.aborted,
    };
    ctx.clientGone.addEventListener('abort', () => {
      info.clientGone = true;
    });
    const released = new Promise<EmulatorResponse>((resolve) => {
      this.#entries.set(info.id, {
        info,
        release: (answer) => {
          this.#entries.delete(info.id);
          resolve(answer === 'send' && !info.clientGone ? response : { status: 0, dropConnection: true });
        },
      });
    });
    this.#wakeWaiters();
    return released;
  }

  list(): HeldResponse[] {
    return [...this.#entries.values()].map((entry) => ({ ...entry.info }));
  }

  /** Releases one held answer; false when no answer with that id is held. */
  release(id: string, answer: ReleaseAnswer = 'send'): boolean {
    const entry = this.#entries.get(id);
    if (!entry) return false;
    entry.release(answer);
    return true;
  }

  /** Drops every held answer (reset, close). */
  releaseAll(answer: ReleaseAnswer = 'drop'): void {
    for (const entry of [...this.#entries.values()]) entry.release(answer);
  }

  /** Resolves with the held answers once at least `count` are held, or with what is held at `timeoutMs`. */
  waitFor(count = 1, timeoutMs = 30_000): Promise<HeldResponse[]> {
    if (this.#entries.size >= count) return Promise.resolve(this.list());
    return new Promise((resolve) => {
      const waiter: Waiter = {
        count,
        resolve: (held) => {
          clearTimeout(timer);
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
          resolve(held);
        },
      };
      const timer = setTimeout(() => waiter.resolve(this.list()), timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  #wakeWaiters(): void {
    for (const waiter of [...this.#waiters]) {
      if (this.#entries.size >= waiter.count) waiter.resolve(this.list());
    }
  }
}
