// The Service Bus data plane for queues over its REST API (learn.microsoft.com/rest/api/servicebus):
// Send Message (POST /{queue}/messages → 201), Receive and Delete Message (DELETE
// /{queue}/messages/head → 200 with the body, 204 when the queue is empty), Peek-Lock Message
// (POST /{queue}/messages/head → 201 with a lock, 204 when empty), Delete Message (DELETE
// /{queue}/messages/{messageId}/{lockToken}: completes a locked message) and Unlock Message
// (PUT the same path). Broker properties travel in the `BrokerProperties` header as JSON.
//
// Authentication: a Microsoft Entra bearer token for the audience `https://servicebus.azure.net`
// (learn.microsoft.com/azure/service-bus-messaging/authenticate-application), from the tenant of
// the namespace's subscription. Authorization: a role assignment at the queue's scope or above
// whose role carries the data action (`Microsoft.ServiceBus/namespaces/messages/send/action` or
// `.../receive/action`; Azure Service Bus Data Sender / Receiver / Owner).
//
// Refusals follow the REST reference's status codes: 401 for every authorization failure (no
// token, bad token, or a missing role — "401 Authorization failure"; 403 is "Quota exceeded or
// message too large", send-message-to-queue), in Service Bus's XML error body
// `<Error><Code>401</Code><Detail>…</Detail></Error>` (as Azure/azure-sdk-for-net#20485 shows it).
// The missing-role detail is the one Service Bus clients report, "Unauthorized access. 'Send'
// claim(s) are required to perform this operation. Resource: 'sb://…/queue'."
// (Azure/azure-sdk-for-java#27831); the other details are the emulator's own (inferred).
// Message bodies never reach the request log (no bodies are logged).
import { randomUUID } from 'node:crypto';
import { isDataActionAuthorized } from '../arm/authorization.ts';
import { headerValue } from '../arm/gateway.ts';
import { findNamespaceByName } from '../arm/service-bus.ts';
import type { EmulatorCore } from '../core.ts';
import { type EmulatorResponse, param, type RequestContext, type Route } from '../pipeline.ts';
import { pathPattern } from '../router.ts';
import type { ServiceBusMessageRecord, ServiceBusNamespaceRecord, ServiceBusQueueRecord } from '../state.ts';
import type { TokenClaims } from '../tokens.ts';
import { serviceBusHost, serviceBusNamespaceFromHost } from './addressing.ts';

export const SERVICE_BUS_AUDIENCE = 'https://servicebus.azure.net';
export const SEND_DATA_ACTION = 'Microsoft.ServiceBus/namespaces/messages/send/action';
export const RECEIVE_DATA_ACTION = 'Microsoft.ServiceBus/namespaces/messages/receive/action';

type Claim = 'Send' | 'Listen';
const DATA_ACTION: Record<Claim, string> = { Send: SEND_DATA_ACTION, Listen: RECEIVE_DATA_ACTION };

function trackingDetail(core: EmulatorCore, ctx: RequestContext, detail: string): string {
  const host = headerValue(ctx, 'host')?.replace(/:\d+$/, '') ?? '';
  return `${detail} TrackingId:${ctx.requestId}, SystemTracker:${host}:${ctx.path.replace(/^\//, '')}, Timestamp:${new Date(core.now()).toISOString()}`;
}

function serviceBusError(
  core: EmulatorCore,
  ctx: RequestContext,
  status: number,
  detail: string,
): EmulatorResponse {
  const escaped = trackingDetail(core, ctx, detail)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
  return {
    status,
    headers: { 'content-type': 'application/xml; charset=utf-8' },
    body: `<Error><Code>${status}</Code><Detail>${escaped}</Detail></Error>`,
  };
}

function audienceAccepted(audience: string, namespace: string): boolean {
  const trimmed = audience.replace(/\/$/, '').toLowerCase();
  return trimmed === SERVICE_BUS_AUDIENCE || trimmed === `https://${serviceBusHost(namespace)}`;
}

function tenantOf(core: EmulatorCore, namespace: ServiceBusNamespaceRecord): string {
  const subscriptionId = namespace.id.split('/')[2] ?? '';
  return core.subscription(subscriptionId)?.tenantId ?? core.state.tenantId;
}

/** The caller's claims, or the 401 Service Bus answers. */
function authenticate(
  core: EmulatorCore,
  ctx: RequestContext,
  namespace: ServiceBusNamespaceRecord,
): TokenClaims | EmulatorResponse {
  const authorization = headerValue(ctx, 'authorization');
  if (!authorization) {
    return serviceBusError(core, ctx, 401, 'MissingToken: The authorization header was not found.');
  }
  if (/^SharedAccessSignature\s/i.test(authorization)) {
    return serviceBusError(
      core,
      ctx,
      401,
      'The emulator accepts Microsoft Entra tokens only, not shared access signatures: send a bearer token for https://servicebus.azure.net.',
    );
  }
  const token = /^Bearer\s+(.+)$/i.exec(authorization)?.[1];
  const verified = token
    ? core.signer.verify(token, Math.floor(core.now() / 1000))
    : { problem: 'malformed' as const };
  if ('problem' in verified) {
    const detail =
      verified.problem === 'expired'
        ? 'ExpiredToken: The token is expired.'
        : 'claim is empty or token is invalid.';
    return serviceBusError(core, ctx, 401, detail);
  }
  const { claims } = verified;
  if (!audienceAccepted(claims.aud, namespace.name)) {
    return serviceBusError(
      core,
      ctx,
      401,
      `InvalidAudience: The token audience '${claims.aud}' is not valid; ask for a token for ${SERVICE_BUS_AUDIENCE}.`,
    );
  }
  const tenantId = tenantOf(core, namespace);
  if (claims.tid.toLowerCase() !== tenantId.toLowerCase()) {
    return serviceBusError(
      core,
      ctx,
      401,
      `InvalidIssuer: The token is from tenant '${claims.tid}'; the namespace trusts tenant '${tenantId}'.`,
    );
  }
  return claims;
}

function nextMessage(queue: ServiceBusQueueRecord, now: number): ServiceBusMessageRecord | undefined {
  return queue.messages.find((message) => !message.lock || message.lock.until <= now);
}

function brokerProperties(message: ServiceBusMessageRecord, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    DeliveryCount: message.deliveryCount,
    EnqueuedSequenceNumber: message.sequenceNumber,
    EnqueuedTimeUtc: new Date(message.enqueuedAt).toUTCString(),
    MessageId: message.messageId,
    SequenceNumber: message.sequenceNumber,
    State: 'Active',
    TimeToLive: 922337203685.47754,
    ...extra,
  });
}

function messageResponse(
  status: number,
  message: ServiceBusMessageRecord,
  headers: Record<string, string>,
): EmulatorResponse {
  return {
    status,
    headers: { 'content-type': message.contentType ?? 'application/octet-stream', ...headers },
    body: message.body,
  };
}

type QueueOperation = (
  core: EmulatorCore,
  ctx: RequestContext,
  namespace: ServiceBusNamespaceRecord,
  queue: ServiceBusQueueRecord,
) => EmulatorResponse;

/** The checks every queue operation shares — namespace, token, queue, role — then the operation. */
function queueOperation(
  core: EmulatorCore,
  claim: Claim,
  missingQueueStatus: number,
  operation: QueueOperation,
) {
  return (ctx: RequestContext): EmulatorResponse => {
    const namespaceName = serviceBusNamespaceFromHost(headerValue(ctx, 'host')) ?? '';
    const namespace = findNamespaceByName(core, namespaceName);
    if (!namespace) {
      return serviceBusError(
        core,
        ctx,
        404,
        `The namespace '${namespaceName}' does not exist in the emulator; create it through ARM first.`,
      );
    }
    const caller = authenticate(core, ctx, namespace);
    if ('status' in caller) return caller;
    ctx.caller = caller;
    const queueName = param(ctx, 'queue');
    const queue = namespace.queues[queueName.toLowerCase()];
    const queueScope = `${namespace.id}/queues/${queue?.name ?? queueName}`;
    if (!isDataActionAuthorized(core, caller.oid, DATA_ACTION[claim], queueScope)) {
      return serviceBusError(
        core,
        ctx,
        401,
        `Unauthorized access. '${claim}' claim(s) are required to perform this operation. Resource: 'sb://${serviceBusHost(namespace.name)}/${queueName.toLowerCase()}'.`,
      );
    }
    if (!queue) {
      return serviceBusError(
        core,
        ctx,
        missingQueueStatus,
        `The messaging entity 'sb://${serviceBusHost(namespace.name)}/${queueName.toLowerCase()}' could not be found.`,
      );
    }
    return operation(core, ctx, namespace, queue);
  };
}

const send: QueueOperation = (core, ctx, _namespace, queue) => {
  let requested: Record<string, unknown> = {};
  const header = headerValue(ctx, 'brokerproperties');
  if (header) {
    try {
      requested = JSON.parse(header) as Record<string, unknown>;
    } catch {
      return serviceBusError(core, ctx, 400, 'The BrokerProperties header is not valid JSON.');
    }
  }
  const contentType = headerValue(ctx, 'content-type');
  queue.messages.push({
    messageId: typeof requested.MessageId === 'string' ? requested.MessageId : randomUUID().replace(/-/g, ''),
    sequenceNumber: queue.nextSequenceNumber++,
    body: ctx.rawBody.toString('utf8'),
    ...(contentType ? { contentType } : {}),
    enqueuedAt: core.now(),
    deliveryCount: 0,
  });
  return { status: 201 };
};

const receiveAndDelete: QueueOperation = (core, _ctx, _namespace, queue) => {
  const message = nextMessage(queue, core.now());
  if (!message) return { status: 204 };
  queue.messages.splice(queue.messages.indexOf(message), 1);
  message.deliveryCount += 1;
  return messageResponse(200, message, { brokerproperties: brokerProperties(message) });
};

const peekLock: QueueOperation = (core, _ctx, namespace, queue) => {
  const message = nextMessage(queue, core.now());
  if (!message) return { status: 204 };
  message.deliveryCount += 1;
  message.lock = { token: randomUUID(), until: core.now() + queue.lockDurationSeconds * 1000 };
  const location = `https://${serviceBusHost(namespace.name)}/${queue.name}/messages/${message.messageId}/${message.lock.token}`;
  return messageResponse(201, message, {
    brokerproperties: brokerProperties(message, {
      LockToken: message.lock.token,
      LockedUntilUtc: new Date(message.lock.until).toUTCString(),
    }),
    location,
  });
};

/** Complete (delete) or unlock a peek-locked message; 404 when the lock is gone. */
function settle(action: 'complete' | 'unlock'): QueueOperation {
  return (core, ctx, _namespace, queue) => {
    const message = queue.messages.find(
      (m) =>
        m.messageId === param(ctx, 'messageId') &&
        m.lock?.token === param(ctx, 'lockToken') &&
        m.lock.until > core.now(),
    );
    if (!message) {
      return serviceBusError(
        core,
        ctx,
        404,
        `No message '${param(ctx, 'messageId')}' is locked with token '${param(ctx, 'lockToken')}' (the lock may have expired); receive it again.`,
      );
    }
    if (action === 'complete') queue.messages.splice(queue.messages.indexOf(message), 1);
    else delete message.lock;
    return { status: 200 };
  };
}

/** Routes matched only for requests whose Host is a namespace (`{name}.servicebus.windows.net`). */
export function serviceBusDataPlaneRoutes(core: EmulatorCore): Route[] {
  const base = { plane: 'servicebus' as const };
  const locked = pathPattern('/{queue}/messages/{messageId}/{lockToken}');
  return [
    {
      ...base,
      method: 'POST',
      pattern: pathPattern('/{queue}/messages'),
      operation: SEND_DATA_ACTION,
      kind: 'write',
      // Send Message: 410 "Specified queue or topic doesn't exist".
      handler: queueOperation(core, 'Send', 410, send),
    },
    {
      ...base,
      method: 'DELETE',
      pattern: pathPattern('/{queue}/messages/head'),
      operation: RECEIVE_DATA_ACTION,
      kind: 'action',
      handler: queueOperation(core, 'Listen', 404, receiveAndDelete),
    },
    {
      ...base,
      method: 'POST',
      pattern: pathPattern('/{queue}/messages/head'),
      operation: RECEIVE_DATA_ACTION,
      kind: 'action',
      handler: queueOperation(core, 'Listen', 404, peekLock),
    },
    {
      ...base,
      method: 'DELETE',
      pattern: locked,
      operation: RECEIVE_DATA_ACTION,
      kind: 'action',
      handler: queueOperation(core, 'Listen', 404, settle('complete')),
    },
    {
      ...base,
      method: 'PUT',
      pattern: locked,
      operation: RECEIVE_DATA_ACTION,
      kind: 'action',
      handler: queueOperation(core, 'Listen', 404, settle('unlock')),
    },
  ];
}
