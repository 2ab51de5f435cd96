// The contract check: an emulator exchange observer that validates every request body a client
// sent and every body the emulator answered against the catalog's schemas, per operation and
// api-version. It keeps counts and violations (operation, direction, JSON pointer, message),
// never a body or a value from one: bodies carry secret values and tokens.
import type { Exchange, ExchangeObserver } from '../src/exchange-observer.ts';
import {
  type BodyContract,
  Catalog,
  type ContractOperation,
  type Direction,
  describeErrors,
} from './catalog.ts';

export interface Violation {
  /** `Workflows_CreateOrUpdate@2019-05-01`, or the route for a request outside the catalog. */
  operation: string;
  direction: Direction;
  method: string;
  path: string;
  /** The answer's status (0: dropped); for a request, the status it got. */
  status: number;
  /** JSON pointer into the body ('' is the whole body). */
  pointer: string;
  message: string;
}

export interface OperationTally {
  requests: number;
  responses: number;
  /** Violations recorded, those a test expected (took with `expected`) included. */
  violations: number;
  /** Of `violations`, those a test provoked on purpose. */
  expected: number;
}

export interface Tally {
  /** Bodies validated, by `operationId@api-version`. */
  operations: Record<string, OperationTally>;
  /** ARM and data-plane exchanges no schema covers, by `METHOD emulator-operation`. */
  unchecked: Record<string, number>;
}

const CHECKED_PLANES = new Set(['arm', 'keyvault']);

export class ContractCheck {
  private pending: Violation[] = [];
  private readonly counts: Tally = { operations: {}, unchecked: {} };

  constructor(private readonly catalog: Catalog = new Catalog()) {}

  readonly observer: ExchangeObserver = (exchange) => this.check(exchange);

  check(exchange: Exchange): void {
    if (!CHECKED_PLANES.has(exchange.plane)) return;
    const apiVersion = exchange.query.get('api-version');
    const match = this.catalog.match(exchange.plane, exchange.method, exchange.path, apiVersion);
    if (match.kind === 'none') {
      const key = `${exchange.method} ${exchange.routeOperation}`;
      this.counts.unchecked[key] = (this.counts.unchecked[key] ?? 0) + 1;
      return;
    }
    if (match.kind === 'unknownApiVersion') {
      // The service refused it (400 for an unknown api-version) or answered it: only an answer
      // the catalog cannot judge is a finding, e.g. after an SDK upgrade changed the api-version.
      if (exchange.status >= 200 && exchange.status < 300) {
        this.record(exchange, `${match.operationId}@${apiVersion ?? '(none)'}`, 'response', {
          pointer: '',
          message: `no contract for api-version ${apiVersion ?? '(none)'} (schemas exist for ${match.known.join(', ')}): write one from the REST spec`,
        });
      }
      return;
    }
    const { operation } = match;
    const key = `${operation.id}@${operation.apiVersion}`;
    const tally = this.counts.operations[key] ?? { requests: 0, responses: 0, violations: 0, expected: 0 };
    this.counts.operations[key] = tally;
    tally.requests++;
    for (const problem of checkRequest(operation, exchange)) this.record(exchange, key, 'request', problem);
    if (exchange.status === 0) return;
    tally.responses++;
    for (const problem of checkResponse(operation, exchange)) this.record(exchange, key, 'response', problem);
  }

  /** Violations not yet taken (by a test that expected them, or by the run's failure report). */
  violations(): readonly Violation[] {
    return this.pending;
  }

  /**
   * Removes and returns the pending violations that `matches` selects (all by default);
   * `expected`: a test provoked them on purpose, and the tally says so.
   */
  take(
    matches: (violation: Violation) => boolean = () => true,
    options: { expected?: boolean } = {},
  ): Violation[] {
    const taken = this.pending.filter(matches);
    this.pending = this.pending.filter((violation) => !matches(violation));
    if (options.expected) {
      for (const violation of taken) {
        const tally = this.counts.operations[violation.operation];
        if (tally) tally.expected++;
      }
    }
    return taken;
  }

  tally(): Tally {
    return structuredClone(this.counts);
  }

  private record(
    exchange: Exchange,
    operation: string,
    direction: Direction,
    problem: { pointer: string; message: string },
  ): void {
    const tally = this.counts.operations[operation];
    if (tally) tally.violations++;
    this.pending.push({
      operation,
      direction,
      method: exchange.method,
      path: exchange.path,
      status: exchange.status,
      ...problem,
    });
  }
}

type Problem = { pointer: string; message: string };

function checkRequest(operation: ContractOperation, exchange: Exchange): Problem[] {
  const text = exchange.requestBody.toString('utf8').trim();
  if (!operation.request) {
    return text === '' ? [] : [{ pointer: '', message: 'the spec declares no request body, one was sent' }];
  }
  if (text === '') {
    // Key Vault's challenge handshake: @azure/keyvault-common 2.1 (keyVaultAuthenticationPolicy.js,
    // authorizeRequest) sends its first request without a token and without the body, to get the
    // WWW-Authenticate challenge, then sends the body with the token.
    if (exchange.plane === 'keyvault' && !exchange.authorized && exchange.status === 401) return [];
    return [{ pointer: '', message: 'the spec requires a request body, none was sent' }];
  }
  const parsed = parseJson(text);
  if (!parsed.ok) return [{ pointer: '', message: 'the request body is not JSON' }];
  return validate(operation.request, parsed.value);
}

function checkResponse(operation: ContractOperation, exchange: Exchange): Problem[] {
  const declared = operation.responses[String(exchange.status)];
  let contract: BodyContract | undefined = declared;
  if (declared === undefined) {
    if (exchange.status < 400) {
      const listed = Object.keys(operation.responses).filter((status) => status !== 'default');
      return [
        {
          pointer: '',
          message: `status ${exchange.status} is not among the spec's answers (${listed.join(', ')})`,
        },
      ];
    }
    contract = operation.responses.default;
  }
  const body = wireForm(exchange.responseBody);
  if (contract === null || contract === undefined) {
    return body === undefined
      ? []
      : [{ pointer: '', message: `the spec declares no body for status ${exchange.status}, one was sent` }];
  }
  if (body === undefined)
    return [
      { pointer: '', message: `the spec requires a body for status ${exchange.status}, none was sent` },
    ];
  if (!body.ok) return [{ pointer: '', message: 'the response body is not JSON' }];
  return validate(contract, body.value);
}

function validate(contract: NonNullable<BodyContract>, value: unknown): Problem[] {
  return contract(value) ? [] : describeErrors(contract.errors);
}

/** The body as the client receives it: objects through JSON (undefined fields dropped), strings parsed. */
function wireForm(body: unknown): { ok: true; value: unknown } | { ok: false } | undefined {
  if (body === undefined) return undefined;
  if (Buffer.isBuffer(body)) return body.length === 0 ? undefined : parseJson(body.toString('utf8'));
  if (typeof body === 'string') return body === '' ? undefined : parseJson(body);
  return { ok: true, value: JSON.parse(JSON.stringify(body)) as unknown };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}
