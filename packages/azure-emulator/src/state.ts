// The emulator's whole world as one JSON-serialisable object, plus the store that keeps it
// in memory and (optionally) in a file, so a restarted emulator loses nothing.
import type { JsonWebKey } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type PrincipalKind = 'SystemAssigned' | 'UserAssigned' | 'Application' | 'User' | 'Group';
export type PrincipalType = 'ServicePrincipal' | 'User' | 'Group';

/** A directory object (Entra ID). Role assignments look principals up here. */
export interface PrincipalRecord {
  objectId: string;
  /** Application (client) id; absent for users and groups. */
  clientId?: string;
  principalType: PrincipalType;
  kind: PrincipalKind;
  displayName: string;
  /** For managed identities: the ARM id of the resource that owns the identity. */
  resourceId?: string;
  /** The Entra tenant the object lives in; absent: the default tenant (`EmulatorState.tenantId`). */
  tenantId?: string;
  createdAt: string;
}

/**
 * A federated identity credential of an app registration (Microsoft Graph's
 * federatedIdentityCredential: issuer, subject, audiences; audiences default to
 * `api://AzureADTokenExchange`, the value Microsoft recommends for every issuer).
 */
export interface FederatedCredential {
  issuer: string;
  subject: string;
  audiences?: string[];
  name?: string;
}

/** An Entra ID tenant (directory). App registrations, principals and subscriptions belong to one. */
export interface TenantRecord {
  tenantId: string;
  displayName: string;
}

/** A subscription and the tenant it trusts: ARM accepts only that tenant's tokens for it. */
export interface SubscriptionRecord {
  subscriptionId: string;
  tenantId: string;
  displayName: string;
  /**
   * Emulator-only: principals that hold Owner in the whole subscription without a role assignment
   * record (so role-assignment lists and the permissions read do not show it). The default world
   * gives it to the operator's app, so that tests which count role assignments start from none;
   * packages/azure-emulator/README.md, "Authorization".
   */
  standingOwners: string[];
}

/** The signing keys of an external OIDC issuer (a cluster's service-account issuer), registered by a test. */
export interface OidcIssuerRecord {
  issuer: string;
  keys: JsonWebKey[];
}

/** An app registration that may ask the token endpoint for tokens. */
export interface ApplicationRecord {
  clientId: string;
  /** The tenant the app is registered in (its home tenant); tokens are issued only there. */
  tenantId: string;
  /** Object id of the app's service principal (the `oid` of its tokens). */
  objectId: string;
  displayName: string;
  clientSecrets: string[];
  /** When absent, any well-formed, unexpired JWT client assertion is accepted (see packages/azure-emulator/README.md). */
  federatedCredentials?: FederatedCredential[];
}

export interface ResourceGroupRecord {
  id: string;
  name: string;
  location: string;
  tags: Record<string, string>;
}

export type WorkflowIdentity =
  | { type: 'SystemAssigned'; principalId: string; tenantId: string }
  | { type: 'UserAssigned'; userAssignedIdentityId: string };

export interface WorkflowRecord {
  id: string;
  name: string;
  resourceGroup: string;
  location: string;
  tags: Record<string, string>;
  identity?: WorkflowIdentity;
  /** Writable properties as the caller sent them, plus the read-only ones the RP maintains. */
  properties: Record<string, unknown>;
}

export interface AccessPolicyEntry {
  tenantId: string;
  objectId: string;
  applicationId?: string;
  permissions: Partial<Record<PermissionCategory, string[]>>;
}

export type PermissionCategory = 'keys' | 'secrets' | 'certificates' | 'storage';

export interface SecretVersionRecord {
  version: string;
  value: string;
  contentType?: string;
  enabled: boolean;
  /** Unix seconds, as the data plane reports them. */
  created: number;
  updated: number;
  tags: Record<string, string>;
}

export interface SecretRecord {
  name: string;
  /** Oldest first; the last one is the current version. */
  versions: SecretVersionRecord[];
}

export interface VaultRecord {
  id: string;
  name: string;
  resourceGroup: string;
  location: string;
  tags: Record<string, string>;
  /** Everything under `properties` except the access policies. */
  properties: Record<string, unknown>;
  accessPolicies: AccessPolicyEntry[];
  createdAt: string;
  updatedAt: string;
  secrets: Record<string, SecretRecord>;
}

export interface UserAssignedIdentityRecord {
  id: string;
  name: string;
  resourceGroup: string;
  location: string;
  tags: Record<string, string>;
  principalId: string;
  clientId: string;
  tenantId: string;
}

export interface RoleAssignmentRecord {
  id: string;
  name: string;
  /** Normalised: leading slash, single slashes, caller's casing. */
  scope: string;
  roleDefinitionId: string;
  principalId: string;
  principalType: PrincipalType | 'ForeignGroup';
  description?: string;
  condition?: string;
  conditionVersion?: string;
  delegatedManagedIdentityResourceId?: string;
  createdOn: string;
  updatedOn: string;
  createdBy?: string;
  updatedBy?: string;
}

/**
 * A Microsoft.Web/connections resource (arm/connections.ts). Parameter values are never kept:
 * only the names of `parameterValues` sent, and the non-secret values of a parameter value set
 * (what a GET shows).
 */
export interface WebConnectionRecord {
  id: string;
  name: string;
  resourceGroup: string;
  location: string;
  tags: Record<string, string>;
  kind?: string;
  displayName: string;
  /** The managed API, as `api.id` named it: its subscription, location and name. */
  api: { subscriptionId: string; location: string; name: string };
  parameterValueSet?: { name: string; values: Record<string, { value: unknown }> };
  /** Names of the `parameterValues` sent (values are write-only in Azure and never stored here). */
  parameterNames: string[];
  createdTime: string;
  changedTime: string;
}

/** A Microsoft.ServiceBus namespace (arm/service-bus.ts); queues are keyed by lower-case name. */
export interface ServiceBusNamespaceRecord {
  id: string;
  name: string;
  resourceGroup: string;
  location: string;
  tags: Record<string, string>;
  sku: { name: string; tier: string };
  createdAt: string;
  updatedAt: string;
  queues: Record<string, ServiceBusQueueRecord>;
}

export interface ServiceBusQueueRecord {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  lockDurationSeconds: number;
  maxDeliveryCount: number;
  nextSequenceNumber: number;
  /** Oldest first. A locked message stays in place until completed or its lock expires. */
  messages: ServiceBusMessageRecord[];
}

export interface ServiceBusMessageRecord {
  messageId: string;
  sequenceNumber: number;
  body: string;
  contentType?: string;
  enqueuedAt: number;
  deliveryCount: number;
  /** Set while peek-locked: the lock token and when the lock ends (ms, emulator clock). */
  lock?: { token: string; until: number };
}

export interface EmulatorState {
  version: 1;
  /** The default tenant: the demo tenant, home of the operator's app and of the first subscription. */
  tenantId: string;
  /** Every subscription id, the first being the default one (kept in step with `subscriptions`). */
  subscriptionIds: string[];
  /** Keyed by lower-case tenant id. */
  tenants: Record<string, TenantRecord>;
  /** Keyed by lower-case subscription id. */
  subscriptions: Record<string, SubscriptionRecord>;
  /** Keyed by issuer URL, exactly as the assertions' `iss` carries it. */
  oidcIssuers: Record<string, OidcIssuerRecord>;
  /** All maps are keyed by `armKey(id)` (or object/client id, lower-case). */
  resourceGroups: Record<string, ResourceGroupRecord>;
  workflows: Record<string, WorkflowRecord>;
  vaults: Record<string, VaultRecord>;
  userAssignedIdentities: Record<string, UserAssignedIdentityRecord>;
  roleAssignments: Record<string, RoleAssignmentRecord>;
  principals: Record<string, PrincipalRecord>;
  applications: Record<string, ApplicationRecord>;
  /** Microsoft.Web/connections, keyed by `armKey(id)`. */
  webConnections: Record<string, WebConnectionRecord>;
  /** Microsoft.ServiceBus/namespaces (with their queues and messages), keyed by `armKey(id)`. */
  serviceBusNamespaces: Record<string, ServiceBusNamespaceRecord>;
  /** Runs of each workflow, oldest first, keyed by `armKey(workflow id)` (arm/workflow-runs-store.ts). */
  workflowRuns: Record<string, WorkflowRunRecord[]>;
  /** The outcome the next runs of a workflow end with, keyed like `workflowRuns`; absent: Succeeded. */
  runOutcomes: Record<string, RunOutcome>;
  /** The keys that sign each workflow's callback URLs, keyed like `workflowRuns` (arm/workflow-callbacks.ts). */
  workflowAccessKeys: Record<string, WorkflowAccessKeys>;
}

/** A workflow's two callback-URL signing keys (base64, 32 random bytes each); never answered by any route. */
export interface WorkflowAccessKeys {
  primary: string;
  secondary: string;
}

/**
 * A run of a Consumption workflow (Microsoft.Logic/workflows/runs): started by a trigger firing
 * (through its callback URL, or the trigger's `run` action). Each run has one trigger history
 * entry of the same name, as in Azure.
 */
export interface WorkflowRunRecord {
  /** The run id, in Azure's shape (29 digits, `CU`, digits). */
  name: string;
  triggerName: string;
  /** How it was started: a call of the callback URL, or the trigger's `run` action. */
  startedBy: 'callback' | 'run-action';
  status: RunStatus;
  startTime: string;
  endTime?: string;
  error?: { code: string; message: string };
  /** `properties.version` of the workflow when it ran (the run's `workflow` reference); absent in older state files. */
  workflowVersion?: string;
}

export type RunStatus = 'Running' | 'Succeeded' | 'Failed' | 'Cancelled';

export interface RunOutcome {
  status: Exclude<RunStatus, 'Running'>;
  error?: { code: string; message: string };
}

/** Key material that must survive a restart so clients keep trusting the CA and tokens stay valid. */
export interface PersistedKeys {
  caCertPem: string;
  caKeyPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  /** Hostnames and IPs the server certificate was issued for. */
  serverNames: string[];
  signingKeyPem: string;
}

interface StateFile {
  state: EmulatorState;
  keys?: PersistedKeys;
}

export function emptyState(tenantId: string, subscriptionId: string): EmulatorState {
  return {
    version: 1,
    tenantId,
    subscriptionIds: [subscriptionId],
    tenants: { [tenantId.toLowerCase()]: { tenantId, displayName: 'Default Directory' } },
    subscriptions: {
      [subscriptionId.toLowerCase()]: {
        subscriptionId,
        tenantId,
        displayName: subscriptionDisplayName(subscriptionId),
        standingOwners: [],
      },
    },
    oidcIssuers: {},
    resourceGroups: {},
    workflows: {},
    vaults: {},
    userAssignedIdentities: {},
    roleAssignments: {},
    principals: {},
    applications: {},
    workflowRuns: {},
    runOutcomes: {},
    workflowAccessKeys: {},
    webConnections: {},
    serviceBusNamespaces: {},
  };
}

export function subscriptionDisplayName(subscriptionId: string): string {
  return `emulator subscription ${subscriptionId.slice(0, 8)}`;
}

/**
 * A state file written before tenants and subscriptions were modelled: one tenant, its
 * subscriptions, every app registered there. Filled in place so a restart keeps working.
 */
export function completeState(state: EmulatorState, legacyOwner?: string): EmulatorState {
  const partial = state as Partial<EmulatorState> & EmulatorState;
  partial.tenants ??= {
    [state.tenantId.toLowerCase()]: { tenantId: state.tenantId, displayName: 'Default Directory' },
  };
  partial.subscriptions ??= Object.fromEntries(
    state.subscriptionIds.map((subscriptionId) => [
      subscriptionId.toLowerCase(),
      {
        subscriptionId,
        tenantId: state.tenantId,
        displayName: subscriptionDisplayName(subscriptionId),
        // Before authorization was enforced the operator could do anything; a restart keeps that.
        standingOwners: legacyOwner ? [legacyOwner] : [],
      },
    ]),
  );
  partial.oidcIssuers ??= {};
  partial.workflowRuns ??= {};
  partial.runOutcomes ??= {};
  partial.workflowAccessKeys ??= {};
  partial.webConnections ??= {};
  partial.serviceBusNamespaces ??= {};
  for (const app of Object.values(state.applications)) app.tenantId ??= state.tenantId;
  return state;
}

export class StateStore {
  constructor(
    public state: EmulatorState,
    public keys: PersistedKeys | undefined,
    private readonly file: string | undefined,
  ) {}

  static load(file: string | undefined): { state?: EmulatorState; keys?: PersistedKeys } {
    if (!file) return {};
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    const parsed = JSON.parse(text) as StateFile;
    if (parsed.state?.version !== 1) throw new Error(`Unsupported emulator state file: ${file}`);
    return { state: parsed.state, ...(parsed.keys ? { keys: parsed.keys } : {}) };
  }

  /** Writes the file atomically (temp file + rename) so a crash never leaves half a state. */
  persist(): void {
    if (!this.file) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    const body: StateFile = { state: this.state, ...(this.keys ? { keys: this.keys } : {}) };
    // The file holds the CA key and seeded secret values: owner-only.
    writeFileSync(temp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.file);
  }
}
