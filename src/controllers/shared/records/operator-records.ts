// The operator's own records (issue 20: status is a report, never an authority). What logicops
// granted (a binding's ledger) and which principal it vouches for as a workflow's (its identity)
// decide Azure writes and revocations, so they live where no team can write them and where a
// status loss does not lose them: ConfigMaps in the operator's namespace (record-configmap.ts).
// Status shows the same facts, as a report only.
//
// Reads come from an informer over that namespace. The cache may lag behind our own writes by a
// moment, and a binding revoking a shared access-policy entry in that moment must not miss a
// grant just recorded; so each record written here is remembered and wins over the cache until
// the cache shows that very write (its resourceVersion) or, for a removal, the deletion. Only the
// leader writes records, so its own last write is never older than the cache.
import { indexOf, isNotFound, type WatchedSource } from '../../../runtime/index.ts';
import { CONFIG_MAP_RESOURCE } from '../../resource-kinds.ts';
import {
  type RecordConfigMap,
  type RecordedObject,
  type RecordKind,
  type RecordPayloads,
  recordConfigMap,
  recordName,
} from './record-configmap.ts';

/** The Kubernetes writes records need (the operator's fenced client; a fake in unit tests). */
export interface RecordWriter {
  apply<K extends { metadata?: { resourceVersion?: string } }>(
    kind: typeof CONFIG_MAP_RESOURCE,
    target: { namespace: string; name: string },
    body: K,
  ): Promise<K>;
  delete(kind: typeof CONFIG_MAP_RESOURCE, target: { namespace: string; name: string }): Promise<unknown>;
}

export interface StoredRecord<R extends RecordKind> {
  object: RecordedObject;
  payload: RecordPayloads[R];
}

interface OwnWrite {
  kind: RecordKind;
  /** null: removed. */
  stored: StoredRecord<RecordKind> | null;
  resourceVersion?: string;
}

export class OperatorRecords {
  private readonly ownWrites = new Map<string, OwnWrite>();

  constructor(
    /** The informer over the records namespace (parseRecordConfigMap as its transform). */
    readonly source: WatchedSource<RecordConfigMap>,
    private readonly writer: RecordWriter,
    /** Where the records live: the operator's namespace. */
    readonly namespace: string,
  ) {
    source.subscribe((event) => {
      const name = event.object.metadata?.name ?? '';
      const own = this.ownWrites.get(name);
      if (!own) return;
      const cacheShowsIt =
        event.type === 'deleted'
          ? own.stored === null
          : own.resourceVersion !== undefined &&
            event.object.metadata?.resourceVersion === own.resourceVersion;
      if (cacheShowsIt) this.ownWrites.delete(name);
    });
  }

  read<R extends RecordKind>(kind: R, namespace: string, name: string): RecordPayloads[R] | undefined {
    return this.stored(kind, namespace, name)?.payload;
  }

  /** The record with the object it belongs to. */
  stored<R extends RecordKind>(kind: R, namespace: string, name: string): StoredRecord<R> | undefined {
    return this.storedByName(kind, recordName(kind, namespace, name));
  }

  /** The record in the ConfigMap `key`: our own last write, else the cache's copy. */
  private storedByName<R extends RecordKind>(kind: R, key: string): StoredRecord<R> | undefined {
    const own = this.ownWrites.get(key);
    if (own)
      return own.kind === kind ? ((own.stored ?? undefined) as StoredRecord<R> | undefined) : undefined;
    const cached = this.source.get(`${this.namespace}/${key}`)?.record;
    if (!cached || cached.kind !== kind) return undefined;
    return { object: cached.object, payload: cached.payload as RecordPayloads[R] };
  }

  /**
   * The grant records naming this principal (any casing), own writes winning as in `stored`.
   * From an index of the cache: the bindings sharing a principal's entry are few, the records
   * many (a filter over all of them per reconcile was O(records²) over a run).
   */
  grantsOf(principalId: string): StoredRecord<'grant'>[] {
    return this.byPrincipal('grant', principalId);
  }

  /** The WorkflowRoleAssignments' role-grant records naming this principal, from the same index. */
  roleGrantsOf(principalId: string): StoredRecord<'role-grant'>[] {
    return this.byPrincipal('role-grant', principalId);
  }

  /**
   * The role-grant records of the WorkflowRoleAssignments naming workflow `namespace/name`, own
   * writes winning as in `stored` (a workflow's deletion waits for them), from an index.
   */
  roleGrantsOfWorkflow(namespace: string, workflowName: string): StoredRecord<'role-grant'>[] {
    const names = new Set(
      indexOf(this.source, 'role-grant-workflow', roleGrantWorkflowOf)
        .get(`${namespace}/${workflowName}`)
        .map((configMap) => configMap.metadata?.name ?? ''),
    );
    for (const [name, own] of this.ownWrites) if (own.kind === 'role-grant') names.add(name);
    const found: StoredRecord<'role-grant'>[] = [];
    for (const name of names) {
      const stored = this.storedByName('role-grant', name);
      if (stored?.object.namespace === namespace && stored.payload.workflowName === workflowName)
        found.push(stored);
    }
    return found;
  }

  private byPrincipal<R extends 'grant' | 'role-grant'>(kind: R, principalId: string): StoredRecord<R>[] {
    const principal = principalId.toLowerCase();
    const names = new Set(
      indexOf(this.source, 'grant-principal', grantPrincipalOf)
        .get(principal)
        .map((configMap) => configMap.metadata?.name ?? ''),
    );
    for (const [name, own] of this.ownWrites) if (own.kind === kind) names.add(name);
    const found: StoredRecord<R>[] = [];
    for (const name of names) {
      const stored = this.storedByName(kind, name);
      if (stored?.payload.principalId?.toLowerCase() === principal) found.push(stored);
    }
    return found;
  }

  /** Creates or replaces the record; throws when the write fails (callers write ahead of Azure). */
  async write<R extends RecordKind>(
    kind: R,
    object: RecordedObject,
    payload: RecordPayloads[R],
  ): Promise<void> {
    const body = recordConfigMap(this.namespace, kind, object, payload);
    const name = body.metadata?.name ?? '';
    const written = await this.writer.apply(CONFIG_MAP_RESOURCE, { namespace: this.namespace, name }, body);
    this.ownWrites.set(name, {
      kind,
      stored: { object: { ...object }, payload: structuredClone(payload) },
      ...(written.metadata?.resourceVersion ? { resourceVersion: written.metadata.resourceVersion } : {}),
    });
  }

  /** Removes the record; one that is already gone counts as removed. */
  async remove(kind: RecordKind, namespace: string, name: string): Promise<void> {
    const key = recordName(kind, namespace, name);
    try {
      await this.writer.delete(CONFIG_MAP_RESOURCE, { namespace: this.namespace, name: key });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    // Shadow the cached copy (or one still on its way: we wrote it) until the cache sees the
    // deletion; with neither, there is nothing to hide.
    const mayBeCached = this.source.get(`${this.namespace}/${key}`) || this.ownWrites.get(key)?.stored;
    if (mayBeCached) this.ownWrites.set(key, { kind, stored: null });
    else this.ownWrites.delete(key);
  }
}

/** The index value of a grant or role-grant record: its principal, lower-case (other records: none). */
function grantPrincipalOf(configMap: Readonly<RecordConfigMap>): string[] {
  const record = configMap.record;
  if (record?.kind !== 'grant' && record?.kind !== 'role-grant') return [];
  const principal = (record.payload as RecordPayloads['grant' | 'role-grant']).principalId;
  return principal ? [principal.toLowerCase()] : [];
}

/** The index value of a role-grant record: `<namespace>/<workflow>` of the workflow it grants (other records: none). */
function roleGrantWorkflowOf(configMap: Readonly<RecordConfigMap>): string[] {
  const record = configMap.record;
  if (record?.kind !== 'role-grant') return [];
  return [`${record.object.namespace}/${(record.payload as RecordPayloads['role-grant']).workflowName}`];
}
