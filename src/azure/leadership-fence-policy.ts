// The leadership fence as the LAST step of every ARM SDK pipeline: after the retry policy and
// after the bearer-token policy, right before the HTTP client sends. The AzureCalls fence
// (instrumentation.ts) asks once before the SDK call starts; but a call can then wait for a
// token, a retry delay or a connection, and a leader frozen during that wait (SIGSTOP, a long
// pause) would otherwise send its write when it resumes — seen in the failover chaos suite as
// workflow PUTs 6–230 ms after SIGCONT. So every attempt of every non-GET request asks again:
//
// - in the policy, right before the request is handed to the HTTP client: enough when a pooled
//   (keep-alive) connection is free, since Node writes the request within the same tick;
// - and, when a new connection must be opened first, once its TLS handshake is done and before
//   Node may write the request on it (`FencedHttpsAgent` hands the socket over only then). A
//   freeze during the handshake — the longest wait left — is caught when the process resumes.
//
// A refusal is a plain Error: the SDK's retry strategy retries only network errors and
// retryable statuses, so it is not retried; the reconcile fails, and the manager is already
// stopping. Reads pass: a standby never writes, and a deposed leader may still read.
// Not covered: requests through a proxy (the proxy policy brings its own agent; the policy
// check still applies) and a freeze within the one tick between the check and the write.
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import type { WriteFence } from '../runtime/leadership/fence.ts';

export const LEADERSHIP_FENCE_POLICY = 'logicopsLeadershipFence';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function refusal(method: string, when: string): Error {
  return new Error(
    `refused Azure write ${method} (${when}): this instance is not the leader (or its lease is stale)`,
  );
}

/** A keep-alive agent (for writes only) that gives a new connection to a request only after the fence agrees. */
export class FencedHttpsAgent extends https.Agent {
  constructor(private readonly fence: WriteFence) {
    super({ keepAlive: true });
  }

  override createConnection(
    options: Parameters<https.Agent['createConnection']>[0],
    callback?: (error: Error | null, socket: Duplex) => void,
  ): Duplex | null | undefined {
    const socket = super.createConnection(options) as TLSSocket;
    const onError = (error: Error) => callback?.(error, socket);
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      socket.off('error', onError);
      if (!this.fence.mayWrite()) {
        socket.destroy();
        callback?.(refusal('request', 'at connect'), socket);
        return;
      }
      callback?.(null, socket);
    });
    // Returning nothing makes the agent wait for the callback before it writes on the socket.
    return undefined;
  }
}

export function leadershipFencePolicy(fence: WriteFence): PipelinePolicy {
  const agent = new FencedHttpsAgent(fence);
  return {
    name: LEADERSHIP_FENCE_POLICY,
    async sendRequest(request, next) {
      if (READ_METHODS.has(request.method.toUpperCase())) return next(request);
      if (!fence.mayWrite()) throw refusal(request.method, 'at send');
      if (!request.agent && !request.tlsSettings && request.url.startsWith('https:')) request.agent = agent;
      return next(request);
    },
  };
}
