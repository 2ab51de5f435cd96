// The one Azure error classifier. Every gateway failure is sorted here, by ARM error code
// first and HTTP status second (ASO's error_classifier, Flux's "errors that say what to do
// next"), into what a reconcile does with it:
//   notFound  — the thing is not there (a GET answers undefined, a DELETE is done);
//   retry     — transient: back off and try again;
//   throttled — Azure said how long to wait (429, or 503 with Retry-After);
//   stalled   — a human must act; `reason` is docs/design.md's vocabulary and `message` says what to do;
//   conflict  — the write collides with something that exists under another name
//               (RoleAssignmentExists): the caller looks for the existing thing.
// A failed token request is classified by its cause in credential-errors.ts (F2/F3).
// Messages are shown in conditions and events: they never carry tokens or secret values.
import { Reason } from '../crds/conditions.ts';
import { isAzureError } from './azure-error.ts';
import { classifyCredentialFailure } from './credential-errors.ts';
import type { AzureFailure, AzureStalledReason, RetryReason } from './failure.ts';
import { redactSecrets, truncate } from './redact.ts';
import { type AzureErrorFacts, readAzureError, retryAfterMs } from './rest-error.ts';
import { DEFAULT_THROTTLE_JITTER_MS, DEFAULT_THROTTLE_MS, defaultThrottleMs } from './retry-hint.ts';

export type { AzureFailure, AzureStalledReason, RetryReason };
export { DEFAULT_THROTTLE_JITTER_MS, DEFAULT_THROTTLE_MS };

export interface ClassifyOptions {
  /**
   * The principal involved was created moments ago (a new system-assigned identity): the
   * directory may not have replicated it yet, so `PrincipalNotFound` / `AuthorizationFailed`
   * mean "wait", not "a human must act". Only a caller knows this.
   */
  principalIsNew?: boolean;
  /** Epoch ms, for `Retry-After` given as an HTTP date. */
  now?: number;
  /** [0, 1), for the jitter of the default wait after a bare 429; default Math.random. */
  random?: () => number;
}

/** Codes Entra ID / ARM return while a just-created principal or grant is still replicating. */
export const REPLICATION_LAG_CODES: ReadonlySet<string> = new Set([
  'principalnotfound',
  'authorizationfailed',
]);

const GUIDANCE: Record<AzureStalledReason, string> = {
  ResourceGroupNotFound:
    'The resource group or subscription does not exist: create it, or correct the subscription and resource group in the spec.',
  AuthorizationFailed:
    "The operator's Azure identity is not allowed to do this: grant it the role listed in docs/azure-layer.md on this scope; logicops retries at the next resync.",
  PolicyDenied:
    'An Azure Policy assignment denied the request: change the spec to comply, or ask the policy owner for an exemption.',
  QuotaExceeded: 'An Azure limit is reached: free capacity by removing unused resources, or raise the limit.',
  InvalidSpec: 'Azure rejected the request as invalid: correct the spec (see the Azure message).',
};

type Rule = (facts: AzureErrorFacts, options: ClassifyOptions) => AzureFailure;

const notFound: Rule = (f) => ({ kind: 'notFound', ...withCode(f), message: azureMessage(f) });
const stalled =
  (reason: AzureStalledReason, guidance = GUIDANCE[reason]): Rule =>
  (f) => ({ kind: 'stalled', reason, ...withCode(f), message: `${guidance} ${describe(f)}` });
const retry =
  (reason: RetryReason): Rule =>
  (f) => ({ kind: 'retry', reason, ...withCode(f), message: describe(f) });
const conflict: Rule = (f) => ({
  kind: 'conflict',
  code: f.code ?? 'Conflict',
  message: `The grant already exists in Azure under another name; logicops did not create it and leaves it alone. ${describe(f)}`,
});
const lagOr =
  (otherwise: Rule): Rule =>
  (f, options) =>
    options.principalIsNew ? retry('replicationLag')(f, options) : otherwise(f, options);

/** ARM / Key Vault / Entra error codes, compared case-insensitively. */
const CODE_RULES: ReadonlyMap<string, Rule> = new Map(
  (
    [
      [
        ['ResourceNotFound', 'NotFound', 'RoleAssignmentNotFound', 'VaultNotFound', 'SecretNotFound'],
        notFound,
      ],
      [['WorkflowNotFound', 'ParentResourceNotFound'], notFound],
      [['ResourceGroupNotFound', 'SubscriptionNotFound'], stalled(Reason.ResourceGroupNotFound)],
      [['AuthorizationFailed'], lagOr(stalled(Reason.AuthorizationFailed))],
      [
        [
          'LinkedAuthorizationFailed',
          'InvalidAuthenticationToken',
          'InvalidAuthenticationTokenTenant',
          'AuthenticationFailed',
          'Forbidden',
          'ForbiddenByRbac',
          'ForbiddenByPolicy',
        ],
        stalled(Reason.AuthorizationFailed),
      ],
      [
        ['MissingSubscriptionRegistration'],
        stalled(
          Reason.AuthorizationFailed,
          'The subscription is not registered for this resource provider: register it (az provider register --namespace <namespace>).',
        ),
      ],
      [['RequestDisallowedByPolicy', 'RequestDisallowedByAzure'], stalled(Reason.PolicyDenied)],
      [['QuotaExceeded', 'RoleAssignmentLimitExceeded'], stalled(Reason.QuotaExceeded)],
      [
        [
          'InvalidParameter',
          'BadRequest',
          'InvalidTemplate',
          'InvalidRequestContent',
          'InvalidRequestFormat',
          'InvalidResourceName',
          'InvalidResourceLocation',
          'LocationRequired',
          'LocationNotAvailableForResourceType',
          'InvalidTag',
          'InvalidIdentity',
          'VaultNameNotValid',
          'InvalidScope',
          'InvalidFilter',
        ],
        stalled(Reason.InvalidSpec),
      ],
      [['RoleAssignmentExists', 'RoleAssignmentUpdateNotPermitted'], conflict],
      [['PrincipalNotFound'], retry('replicationLag')],
      [
        ['AnotherOperationInProgress', 'Conflict', 'ConflictingUserOperation', 'ConcurrentUpdate'],
        retry('concurrentWrite'),
      ],
      [
        ['ExpiredAuthenticationToken', 'RetryableError', 'InternalServerError', 'ServiceUnavailable'],
        retry('serverError'),
      ],
      [['GatewayTimeout', 'ETIMEDOUT', 'ESOCKETTIMEDOUT'], retry('timeout')],
      [
        [
          'REQUEST_SEND_ERROR',
          'ECONNRESET',
          'ECONNREFUSED',
          'ECONNABORTED',
          'EPIPE',
          'EAI_AGAIN',
          'ENOTFOUND',
          'EHOSTUNREACH',
          'ENETUNREACH',
          'UND_ERR_SOCKET',
        ],
        retry('connection'),
      ],
    ] as const satisfies readonly (readonly [readonly string[], Rule])[]
  ).flatMap(([codes, rule]) => codes.map((code) => [code.toLowerCase(), rule] as const)),
);

/** Logic Apps reports definition problems under many codes (`InvalidWorkflowDefinition…`, `WorkflowTrigger…Invalid`). */
const INVALID_SPEC_CODE = /^invalid|workflowdefinition|template/i;

export function classifyAzureError(error: unknown, options: ClassifyOptions = {}): AzureFailure {
  // Gateways throw AzureError, already classified without the caller's context.
  if (isAzureError(error)) {
    const lag = options.principalIsNew && error.code && REPLICATION_LAG_CODES.has(error.code.toLowerCase());
    return lag
      ? { kind: 'retry', reason: 'replicationLag', code: error.code!, message: error.failure.message }
      : error.failure;
  }
  const facts = readAzureError(error);
  const now = options.now ?? Date.now();

  if (facts.name === 'AbortError') return retry('aborted')(facts, options);
  const credentialFailure = classifyCredentialFailure(error, options);
  if (credentialFailure) return credentialFailure;

  // A 429 means "wait" whatever the code says (SubscriptionRequestsThrottled, TooManyRequests,
  // RetryableErrorDueToAnotherOperation, Key Vault's Throttled), and so does a 503 with a hint.
  // Without a hint, a few jittered seconds (retry-hint.ts), never minutes.
  const hintMs = retryAfterMs(facts.header, now);
  if (facts.statusCode === 429 || (facts.statusCode === 503 && hintMs !== undefined)) {
    return {
      kind: 'throttled',
      retryAfterMs: hintMs ?? defaultThrottleMs(options.random),
      hinted: hintMs !== undefined,
      ...withCode(facts),
      message: describe(facts),
    };
  }

  const rule = facts.code ? CODE_RULES.get(facts.code.toLowerCase()) : undefined;
  if (rule) return rule(facts, options);
  if (facts.code && INVALID_SPEC_CODE.test(facts.code) && (facts.statusCode ?? 400) < 500) {
    return stalled(Reason.InvalidSpec)(facts, options);
  }
  return classifyByStatus(facts, options);
}

function classifyByStatus(facts: AzureErrorFacts, options: ClassifyOptions): AzureFailure {
  const status = facts.statusCode;
  if (status === undefined) return retry(facts.code ? 'connection' : 'unknown')(facts, options);
  if (status === 400 || status === 422) return stalled(Reason.InvalidSpec)(facts, options);
  if (status === 401 || status === 403) return stalled(Reason.AuthorizationFailed)(facts, options);
  if (status === 404) return notFound(facts, options);
  if (status === 408) return retry('timeout')(facts, options);
  if (status === 409 || status === 412) return retry('concurrentWrite')(facts, options);
  if (status >= 500) return retry('serverError')(facts, options);
  if (status >= 400) return stalled(Reason.InvalidSpec)(facts, options);
  return retry('unknown')(facts, options);
}

/** True for codes that, right after a principal or grant was created, mean "not replicated yet". */
export function isReplicationLagError(error: unknown): boolean {
  const { code } = readAzureError(error);
  return code !== undefined && REPLICATION_LAG_CODES.has(code.toLowerCase());
}

/** True when Azure answered 404 for the resource itself (not for its resource group). */
export function isNotFoundError(error: unknown): boolean {
  return classifyAzureError(error).kind === 'notFound';
}

function withCode(facts: AzureErrorFacts): { code?: string } {
  return facts.code ? { code: facts.code } : {};
}

function azureMessage(facts: AzureErrorFacts): string {
  return truncate(redactSecrets(facts.message.trim()));
}

/** "(Azure 404 ResourceGroupNotFound: Resource group 'x' could not be found.)" — redacted and bounded. */
function describe(facts: AzureErrorFacts): string {
  const label = [facts.statusCode, facts.code].filter((part) => part !== undefined).join(' ');
  const message = azureMessage(facts);
  return `(Azure${label ? ` ${label}` : ''}${message ? `: ${message}` : ''})`;
}
