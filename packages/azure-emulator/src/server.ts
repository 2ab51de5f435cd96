// startEmulator(): one HTTPS server for ARM, Entra ID, managed identity, the Key Vault data
// plane (by Host), faults and the admin API,
// usable in-process from tests and from main.ts as a standalone process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Agent, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type AdminHooks, adminRoutes, seedSecretValue } from './admin.ts';
import { authorizeArmRequests } from './arm/authorization.ts';
import { connectionRoutes } from './arm/connections.ts';
import {
  armResponseHeaders,
  authenticate,
  checkApiVersion,
  correlationIdFor,
  errorBoundary,
  meterArmRequests,
  resourceGroupGate,
  subscriptionGate,
} from './arm/gateway.ts';
import { identityRoutes } from './arm/identities.ts';
import { managedApiRoutes } from './arm/managed-apis.ts';
import { permissionRoutes } from './arm/permissions.ts';
import { resourceGroupRoutes } from './arm/resource-groups.ts';
import { roleAssignmentRoutes } from './arm/role-assignments.ts';
import { serviceBusRoutes } from './arm/service-bus.ts';
import { vaultRoutes } from './arm/vaults.ts';
import { workflowCallbackRoutes } from './arm/workflow-callbacks.ts';
import { workflowRunRoutes } from './arm/workflow-runs.ts';
import { workflowRoutes } from './arm/workflows.ts';
import {
  type CapturedRequestBodies,
  RequestBodyCapture,
  type RequestBodyCaptureOptions,
} from './body-capture.ts';
import { DEFAULT_LIMITS, EmulatorCore, type EmulatorLimits } from './core.ts';
import {
  DEMO_OPERATOR_CLIENT_ID,
  DEMO_OPERATOR_CLIENT_SECRET,
  DEMO_OPERATOR_OBJECT_ID,
  DEMO_SUBSCRIPTION_ID,
  DEMO_TENANT_ID,
  demoSeed,
  OPERATOR_APPLICATION,
} from './demo.ts';
import { entraRoutes } from './entra.ts';
import { ArmError } from './errors.ts';
import { type ExchangeObserver, observeExchanges } from './exchange-observer.ts';
import { faultRoutes } from './faults/admin-routes.ts';
import { afterCommitFaults } from './faults/after-commit.ts';
import { type FaultConfig, parseFaultConfig } from './faults/config.ts';
import { FaultEngine } from './faults/engine.ts';
import { injectErrors } from './faults/error-injection.ts';
import type { HeldResponse, ReleaseAnswer } from './faults/held-responses.ts';
import { injectLatency } from './faults/latency.ts';
import { throttleArmRequests } from './faults/throttling.ts';
import { conflictOnConcurrentVaultWrites } from './faults/vault-write-conflicts.ts';
import { newGuid } from './ids.ts';
import { createDataPlaneAgent, DATA_PLANE_SERVER_NAMES, vaultNameFromHost } from './keyvault/addressing.ts';
import { dataPlaneRoutes } from './keyvault/data-plane.ts';
import { GrantClock } from './keyvault/grant-clock.ts';
import { trackVaultGrants } from './keyvault/track-grants.ts';
import type { PermissionCasing } from './permission-casing.ts';
import {
  type EmulatorResponse,
  type Middleware,
  type RequestContext,
  type Route,
  type RouteMatch,
  runPipeline,
} from './pipeline.ts';
import { ARM_SUBSCRIPTION_BUCKETS, RateLimits } from './rate-limits.ts';
import { Router, splitRequestUrl } from './router.ts';
import { applySeed, type EmulatorSeed } from './seed.ts';
import { SERVICE_BUS_SERVER_NAMES, serviceBusNamespaceFromHost } from './servicebus/addressing.ts';
import { serviceBusDataPlaneRoutes } from './servicebus/data-plane.ts';
import { completeState, type EmulatorState, emptyState, StateStore } from './state.ts';
import { Telemetry } from './telemetry.ts';
import { DEFAULT_SERVER_NAMES, loadOrCreateKeys } from './tls-material.ts';
import { TokenSigner } from './tokens.ts';

export interface StartEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  listenHost?: string;
  /** Host name used in the endpoints handed out; default `localhost`. */
  hostname?: string;
  /** JSON file holding state and key material; loaded when present, rewritten after every change. */
  stateFile?: string;
  /** Applied when the state starts empty (no state file yet) and on reset. `'demo'` = demoSeed(). */
  seed?: EmulatorSeed | 'demo';
  /** Where to write the CA certificate; default next to the state file, else a temp dir. */
  caCertPath?: string;
  /** Items per page in ARM lists (default 100). */
  pageSize?: number;
  limits?: Partial<EmulatorLimits>;
  /** Access-token lifetime (default 3599 s, like Entra ID); the fault configuration may change it at run time. */
  tokenLifetimeSeconds?: number;
  /** Extra middleware, run after authentication, throttling and error injection, before the resource checks. */
  middleware?: Middleware[];
  /**
   * The `vaultUri` reported for a vault; default `https://{name}.vault.azure.net/`. The data plane
   * answers for hosts `{name}.vault.<domain>`; the certificate covers `*.vault.azure.net` (and
   * `*.servicebus.windows.net`, for the Service Bus data plane).
   */
  vaultUri?: (vaultName: string) => string;
  /**
   * How access-policy permissions come back: `service` (default) in Key Vault's own spelling
   * (`Get`, `List`) whatever the caller sent, `as-sent` exactly as written (packages/azure-emulator/src/arm/access-policies.ts).
   */
  permissionCasing?: PermissionCasing;
  /** The clock for tokens, rate buckets, replication lag and grant propagation (tests pass a fake one). */
  now?: () => number;
  /** Faults and limits (all off by default); change them at run time with setFaults or /_emulator/faults. */
  faults?: FaultConfig;
  /**
   * Tests only: keep the bodies of ARM and Key Vault data-plane requests (never Entra ID,
   * managed-identity or admin bodies), bounded in memory, for `requestBodies()` and
   * `GET /_emulator/request-bodies`. Off by default.
   */
  captureRequestBodies?: boolean | RequestBodyCaptureOptions;
  /**
   * Tests only: see every request body and every answer per route (exchange-observer.ts); the
   * contract check uses `observeEveryEmulator` instead, for all emulators of a test process.
   */
  observers?: ExchangeObserver[];
}

export interface Emulator {
  armEndpoint: string;
  authorityHost: string;
  /** IMDS-style base (for AZURE_POD_IDENTITY_AUTHORITY_HOST); pick the identity with client_id/object_id. */
  managedIdentityEndpoint: string;
  adminEndpoint: string;
  caCertPath: string;
  caCertPem: string;
  tenantId: string;
  subscriptionId: string;
  port: number;
  /** The always-registered operator app (ClientSecretCredential). */
  operatorClientId: string;
  operatorClientSecret: string;
  /** IMDS base whose default identity (no client_id/object_id) is the given principal. */
  managedIdentityEndpointFor(principalId: string): string;
  /** The live state (read it, do not change it behind the emulator's back). */
  readonly state: EmulatorState;
  counters(): Telemetry['counters'];
  requests(sinceSeq?: number): ReturnType<Telemetry['requests']>;
  /** The captured request bodies after `sinceSeq`; throws when `captureRequestBodies` is off. */
  requestBodies(sinceSeq?: number): CapturedRequestBodies;
  reset(): void;
  /** Adds a new version of a secret without an access check (the data plane's PUT checks one). */
  seedSecret(
    vaultName: string,
    secretName: string,
    value: string,
    contentType?: string,
  ): { id: string; version: string };
  use(middleware: Middleware): void;
  /** The live fault configuration. */
  faults(): FaultConfig;
  /** Replaces the fault configuration as a whole (`{}` turns every fault off); validated like the admin API. */
  setFaults(config: FaultConfig): void;
  /** Answers of applied writes kept back by the `hold` after-commit fault. */
  heldResponses(): HeldResponse[];
  /** Resolves once at least `count` answers are held (default 1), or with what is held after `timeoutMs`. */
  waitForHeldResponses(count?: number, timeoutMs?: number): Promise<HeldResponse[]>;
  /** Sends (default) or drops one held answer; false when no answer with that id is held. */
  releaseHeldResponse(id: string, answer?: ReleaseAnswer): boolean;
  /**
   * For `new SecretClient(vaultUri, credential, { agent: emu.dataPlaneAgent })`: sends every
   * connection to the emulator, keeping the vault host for TLS and routing.
   */
  dataPlaneAgent: Agent;
  close(): Promise<void>;
}

export async function startEmulator(options: StartEmulatorOptions = {}): Promise<Emulator> {
  const hostname = options.hostname ?? 'localhost';
  const serverNames = [
    ...new Set([hostname, ...DEFAULT_SERVER_NAMES, ...DATA_PLANE_SERVER_NAMES, ...SERVICE_BUS_SERVER_NAMES]),
  ];
  const loaded = StateStore.load(options.stateFile);
  const { keys } = await loadOrCreateKeys(loaded.keys, serverNames);
  const seed = options.seed === 'demo' ? demoSeed() : options.seed;
  const store = new StateStore(
    loaded.state ? completeState(loaded.state, DEMO_OPERATOR_OBJECT_ID) : defaultWorld(),
    keys,
    options.stateFile,
  );
  const core = new EmulatorCore(
    store,
    new TokenSigner(keys.signingKeyPem),
    {
      pageSize: options.pageSize ?? 100,
      tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3599,
      limits: { ...DEFAULT_LIMITS, ...options.limits },
      vaultUri: options.vaultUri ?? ((name) => `https://${name}.vault.azure.net/`),
      permissionCasing: options.permissionCasing ?? 'service',
    },
    new Telemetry(),
    new RateLimits(ARM_SUBSCRIPTION_BUCKETS, options.now ?? Date.now),
    options.now,
  );
  const faultEngine = new FaultEngine(core, parseFaultConfig(options.faults ?? {}));
  const grants = new GrantClock();
  const bodyCapture = options.captureRequestBodies
    ? new RequestBodyCapture(options.captureRequestBodies === true ? {} : options.captureRequestBodies)
    : undefined;
  const subscriptionId = store.state.subscriptionIds[0]!;
  const freshWorld = () => {
    store.state = defaultWorld();
    applySeed(core, { applications: [OPERATOR_APPLICATION] }, subscriptionId);
    if (seed) applySeed(core, seed, subscriptionId);
  };
  if (!loaded.state) freshWorld();
  store.persist();

  // The CA goes next to the state file (stable across restarts), else into a temp dir removed on close.
  const tempDir =
    options.caCertPath || options.stateFile
      ? undefined
      : mkdtempSync(path.join(os.tmpdir(), 'logicops-emulator-'));
  const caCertPath =
    options.caCertPath ?? (options.stateFile ? `${options.stateFile}.ca.pem` : path.join(tempDir!, 'ca.pem'));
  writeFileSync(caCertPath, keys.caCertPem);

  const extraMiddleware = [...(options.middleware ?? [])];
  /** Used for links when a request has no Host header (HTTP/1.1 clients always send one). */
  let ownBaseUrl = '';
  const hooks: AdminHooks = {
    reset: () => {
      freshWorld();
      core.telemetry.reset();
      faultEngine.reset(); // also refills the rate buckets
      grants.clear();
      bodyCapture?.reset();
    },
    info: (baseUrl) => describe(baseUrl),
    requestBodies: (sinceSeq) => bodyCapture?.read(sinceSeq),
  };
  const router = new Router().add(
    ...entraRoutes(core),
    ...adminRoutes(core, hooks),
    ...faultRoutes(faultEngine),
    ...resourceGroupRoutes(core),
    ...workflowRoutes(core),
    ...workflowCallbackRoutes(core),
    ...workflowRunRoutes(core),
    ...vaultRoutes(core),
    ...identityRoutes(core),
    ...roleAssignmentRoutes(core),
    ...permissionRoutes(core),
    ...managedApiRoutes(core),
    ...connectionRoutes(core),
    ...serviceBusRoutes(core),
  );
  const dataPlaneRouter = new Router().add(...dataPlaneRoutes(core, grants));
  const serviceBusRouter = new Router().add(...serviceBusDataPlaneRoutes(core));
  // Rebuilt per request so middleware added later with use() takes effect at once.
  const pipeline = (): Middleware[] => [
    core.telemetry.middleware(),
    observeExchanges(options.observers ?? []),
    ...(bodyCapture ? [bodyCapture.middleware()] : []),
    persistAfterChanges(store),
    armResponseHeaders(),
    errorBoundary(),
    authenticate(core),
    meterArmRequests(core),
    throttleArmRequests(core, faultEngine),
    checkApiVersion(),
    injectErrors(core, faultEngine),
    ...extraMiddleware,
    subscriptionGate(core),
    authorizeArmRequests(core),
    resourceGroupGate(core),
    // Outside the conflict stage: a write whose answer is lost is no longer in flight.
    afterCommitFaults(core, faultEngine, () => store.persist()),
    // Registered before the latency wait, so latency widens the window in which writes collide.
    conflictOnConcurrentVaultWrites(core, faultEngine),
    injectLatency(core, faultEngine),
    trackVaultGrants(core, grants),
  ];

  const server = createServer({ cert: keys.serverCertPem, key: keys.serverKeyPem }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'InternalServerError', message: String(error) } }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const method = (req.method ?? 'GET').toUpperCase();
    const { rawPath, path: requestPath, query } = splitRequestUrl(req.url ?? '/');
    const baseUrl = req.headers.host ? `https://${req.headers.host}` : ownBaseUrl;
    // A vault host (`{name}.vault.<domain>`) is the Key Vault data plane, a namespace host
    // (`{name}.servicebus.windows.net`) Service Bus's; everything else is ARM, Entra ID, managed
    // identity or admin.
    const isDataPlane = vaultNameFromHost(req.headers.host) !== undefined;
    const isServiceBus = serviceBusNamespaceFromHost(req.headers.host) !== undefined;
    // The body is read: a close before the answer means the client gave up (or its process died).
    const clientGone = new AbortController();
    res.once('close', () => clientGone.abort());
    const lookup = (isDataPlane ? dataPlaneRouter : isServiceBus ? serviceBusRouter : router).lookup(
      method,
      requestPath,
    );
    const match =
      lookup && 'match' in lookup
        ? lookup.match
        : unmatched(method, rawPath, requestPath, lookup?.allowedMethods);
    const ctx: RequestContext = {
      requestId: newGuid(),
      correlationId: correlationIdFor(req),
      method,
      rawPath,
      path: requestPath,
      query,
      headers: req.headers,
      rawBody: Buffer.concat(chunks),
      baseUrl,
      match,
      receivedAt: core.now(),
      startedAt: performance.now(),
      clientGone: clientGone.signal,
    };
    send(res, await runPipeline(ctx, pipeline()), method);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.listenHost ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const base = `https://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`;
  ownBaseUrl = base;
  const dataPlaneAgent = createDataPlaneAgent({ host: options.listenHost ?? '127.0.0.1', port });

  function describe(baseUrl: string) {
    return {
      armEndpoint: baseUrl,
      authorityHost: baseUrl,
      managedIdentityEndpoint: baseUrl,
      adminEndpoint: `${baseUrl}/_emulator`,
      caCertPath,
      tenantId: store.state.tenantId,
      subscriptionId,
      operatorClientId: DEMO_OPERATOR_CLIENT_ID,
    };
  }

  return {
    ...describe(base),
    port,
    caCertPem: keys.caCertPem,
    operatorClientSecret: DEMO_OPERATOR_CLIENT_SECRET,
    managedIdentityEndpointFor: (principalId) => `${base}/_mi/${principalId}`,
    get state() {
      return store.state;
    },
    counters: () => core.telemetry.counters,
    requests: (sinceSeq) => core.telemetry.requests(sinceSeq),
    requestBodies: (sinceSeq) => {
      if (!bodyCapture) {
        throw new Error(
          'Request body capture is off: start the emulator with captureRequestBodies (tests only).',
        );
      }
      return bodyCapture.read(sinceSeq);
    },
    reset: () => {
      hooks.reset();
      store.persist();
    },
    seedSecret: (vaultName, secretName, value, contentType) => {
      const seeded = seedSecretValue(core, vaultName, secretName, value, contentType);
      store.persist();
      return seeded;
    },
    use: (middleware) => {
      extraMiddleware.push(middleware);
    },
    faults: () => faultEngine.current,
    setFaults: (config) => faultEngine.apply(parseFaultConfig(config)),
    heldResponses: () => faultEngine.held.list(),
    waitForHeldResponses: (count, timeoutMs) => faultEngine.held.waitFor(count, timeoutMs),
    releaseHeldResponse: (id, answer) => faultEngine.held.release(id, answer),
    dataPlaneAgent,
    close: async () => {
      faultEngine.held.releaseAll('drop');
      dataPlaneAgent.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

/**
 * The fixed world every emulator starts from: the demo tenant and subscription, where the
 * operator's app holds Owner as a standing grant (no role assignment record, so that tests that
 * count role assignments or read permissions start from none; README, "Authorization").
 */
function defaultWorld(): EmulatorState {
  const state = emptyState(DEMO_TENANT_ID, DEMO_SUBSCRIPTION_ID);
  state.subscriptions[DEMO_SUBSCRIPTION_ID.toLowerCase()]!.standingOwners = [DEMO_OPERATOR_OBJECT_ID];
  return state;
}

/**
 * A route for requests nothing matches, so they still pass through the pipeline: logged,
 * counted as errors, and (under /subscriptions or /providers) authenticated and stamped like ARM.
 */
function unmatched(
  method: string,
  rawPath: string,
  requestPath: string,
  allowedMethods?: string[],
): RouteMatch {
  const isArm = /^\/(subscriptions|providers)(\/|$)/i.test(requestPath);
  const route: Route = {
    method,
    pattern: /^$/,
    plane: isArm ? 'arm' : 'unmatched',
    operation: 'Unmatched',
    kind: 'read',
    handler: () => {
      if (allowedMethods) {
        throw new ArmError(
          405,
          'MethodNotAllowed',
          `The requested resource does not support http method '${method}'.`,
        );
      }
      throw new ArmError(
        404,
        isArm ? 'InvalidResourceType' : 'NotFound',
        `No route in the emulator matches '${method} ${rawPath}'.`,
      );
    },
  };
  return { route, params: {} };
}

/** Persists the state after anything that may have changed it (writes, deletes, actions, admin). */
function persistAfterChanges(store: StateStore): Middleware {
  return async (ctx, next) => {
    const response = await next();
    if (ctx.match.route.kind !== 'read' && ctx.match.route.kind !== 'token') store.persist();
    return response;
  };
}

function send(res: ServerResponse, response: EmulatorResponse, method: string): void {
  if (response.dropConnection) {
    res.socket?.destroy();
    return;
  }
  // The client went away while the answer was held back (after-commit faults): nobody to answer.
  if (res.destroyed || !res.socket || res.socket.destroyed) return;
  const headers: Record<string, string> = { ...(response.headers ?? {}) };
  let payload: string | Buffer | undefined;
  if (response.body !== undefined) {
    if (typeof response.body === 'string' || Buffer.isBuffer(response.body)) payload = response.body;
    else {
      payload = JSON.stringify(response.body);
      headers['content-type'] ??= 'application/json; charset=utf-8';
    }
  }
  headers['content-length'] = String(payload ? Buffer.byteLength(payload) : 0);
  res.writeHead(response.status, headers);
  res.end(method === 'HEAD' ? undefined : payload);
}
