// The leadership fence: the whole story, in one place (docs/reliability.md tells it for operators).
//
// What a deposed leader cannot do. With several replicas only the leader reconciles, and a
// leader may write — to Azure or to Kubernetes — only while it is a FRESH leader: it holds the
// Lease and renewed it within the renew deadline (LeaderElector.isFresh, leader-election.ts;
// Manager.mayWrite adds "controllers started" for a run without election). Because the renew
// deadline is shorter than the lease duration, a leader that cannot renew stops writing before
// any other replica may take the Lease. A leader frozen past its lease (SIGSTOP, a long GC pause,
// a VM stall) resumes with reconciles in flight; every one of their writes is refused, so it
// cannot overwrite the new leader's status, touch a finalizer, record an Event, or change Azure.
// Reads are never fenced: a standby keeps warm caches, and the election's own Lease requests
// pass (a candidate must be able to take a lease).
//
// At which layers. One `WriteFence` (below) answers "may I write now?"; it is asked:
//
//   Kubernetes writes (status and finalizer patches, server-side applies, deletes, Events)
//   1. before the request is built: FencedKubeClient (fenced-kube-client.ts) and the Event
//      recorder (../events.ts) refuse with NotLeaderError, which the status patcher and the
//      finalizer helpers pass up unretried;
//   2. when undici puts the request on a connection (fencedDispatcher, fenced-connections.ts);
//   3. on every write of bytes to the connection: writes travel on an HTTP/1.1 pool of their own
//      whose TLS runs over a transport that asks the fence before each write to the TCP socket
//      (fencedConnector). Bytes handed to the kernel before a freeze are sent during it, so
//      nothing started before a freeze reaches the API server after it, and nothing starts after.
//   Layers 2 and 3 are installed by KubeConnections (../kube-connections.ts) on the KubeConfig
//   every client of the process uses; with leader election on, the operator refuses to start
//   when they cannot be installed (FenceUnavailableError).
//
//   Azure writes (every non-GET ARM and Key Vault request)
//   1. before the SDK call starts: the AzureCalls observer (src/operator.ts, azure/instrumentation.ts);
//   2. as the last pipeline policy of every attempt, after token and retry waits, and again once a
//      new connection's TLS handshake is done (azure/leadership-fence-policy.ts).
//
// Why both an early check and a late one: the early check fails fast with a clear error and
// keeps the reconcile from doing work it cannot finish; but a request can then wait — for a
// token, a retry delay, a connection, a TLS handshake, an HTTP/2 flush — and a process frozen
// during that wait would send it on resume (the failover chaos suite saw Events, status patches
// and workflow PUTs reach their servers 3–230 ms after SIGCONT). Only a check at the wire sees
// the time of sending. A refused write is dropped, never retried: the reconcile ends, and the
// manager is already stopping the controllers.
//
// Left open: a freeze inside one synchronous socket write (Kubernetes has no way to make a write
// conditional on a Lease; Azure has none either).
export interface WriteFence {
  /** True while this instance may write: leading with a fresh lease (or running without election). */
  mayWrite(): boolean;
}

/** No fence: every write goes out (tests, tools that are not the operator). */
export const OPEN_FENCE: WriteFence = { mayWrite: () => true };

/**
 * The fence of one operator process. Its clients are built before the manager that decides who
 * leads, so it starts closed and asks `follow`'s source at every write once there is one.
 */
export class ProcessFence implements WriteFence {
  private source: WriteFence | undefined;

  follow(source: WriteFence): void {
    this.source = source;
  }

  mayWrite(): boolean {
    return this.source?.mayWrite() ?? false;
  }
}

export class NotLeaderError extends Error {
  override readonly name = 'NotLeaderError';
}

export function isNotLeader(error: unknown): error is NotLeaderError {
  return error instanceof NotLeaderError;
}

/** The operator cannot fence its writes at the wire: it must not run with leader election. */
export class FenceUnavailableError extends Error {
  override readonly name = 'FenceUnavailableError';
}

const NOT_LEADER = 'this instance is not the leader (or its lease is stale)';

/** The refusal for Kubernetes write `write` (`at` names the layer when it is not the first). */
export function notLeader(write: string, at?: string): NotLeaderError {
  return new NotLeaderError(`dropped Kubernetes write ${write}${at ? ` ${at}` : ''}: ${NOT_LEADER}`);
}

/** Throws NotLeaderError when the fence refuses; `write` names the request for the message. */
export function checkFence(fence: WriteFence, write: string): void {
  if (!fence.mayWrite()) throw notLeader(write);
}

/** Lease reads and writes are the election itself. */
const ELECTION_PATH = /^\/apis\/coordination\.k8s\.io\//;
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True when a Kubernetes request must pass the fence (any non-read request outside the Lease API). */
export function isFencedRequest(method: string | undefined, path: string | undefined): boolean {
  return !READ_METHODS.has((method ?? 'GET').toUpperCase()) && !ELECTION_PATH.test(path ?? '');
}
