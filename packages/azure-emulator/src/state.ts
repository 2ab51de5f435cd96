// The emulator's whole world as one JSON-serialisable object, plus the store that keeps it
// in memory and (optionally) in a file, so a restarted emulator loses nothing.
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
  createdAt: string;
}

export interface FederatedCredential {
  issuer: string;
  subject: string;
}

/** An app registration that may ask the token endpoint for tokens. */
export interface ApplicationRecord {
  clientId: string;
  /** Object id of the app's service principal (the `oid` of its tokens). */
  objectId: string;
  displayName: string;
  clientSecrets: string[];
  /** When absent, any well-formed JWT client assertion is accepted (see packages/azure-emulator/README.md). */
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

export interface EmulatorState {
  version: 1;
  tenantId: string;
  subscriptionIds: string[];
  /** All maps are keyed by `armKey(id)` (or object/client id, lower-case). */
  resourceGroups: Record<string, ResourceGroupRecord>;
  workflows: Record<string, WorkflowRecord>;
  vaults: Record<string, VaultRecord>;
  userAssignedIdentities: Record<string, UserAssignedIdentityRecord>;
  roleAssignments: Record<string, RoleAssignmentRecord>;
  principals: Record<string, PrincipalRecord>;
  applications: Record<string, ApplicationRecord>;
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
    resourceGroups: {},
    workflows: {},
    vaults: {},
    userAssignedIdentities: {},
    roleAssignments: {},
    principals: {},
    applications: {},
  };
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
