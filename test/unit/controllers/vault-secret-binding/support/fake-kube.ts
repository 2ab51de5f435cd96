// An in-memory stand-in for the API server's part the binding controller uses: get, JSON Patch
// on finalizers, merge patch on /status. Finalizer writes are appended to a journal shared with
// the fake Azure gateways and the records (memory-records.ts), so tests can assert the order of
// Kubernetes and Azure writes.

import type { VaultSecretBinding } from '../../../../../src/crds/index.ts';
import type { KubeClient } from '../../../../../src/runtime/index.ts';

type Json = Record<string, unknown>;

export class FakeKube {
  readonly objects = new Map<string, VaultSecretBinding>();
  private version = 1;
  /** Set to make the next status patch matching it fail (a crash between writes). */
  failStatusPatch?: (status: Json) => boolean;
  /** Status patches received (each is one API call). */
  statusPatches = 0;

  constructor(readonly journal: string[]) {}

  put(binding: VaultSecretBinding): void {
    const copy = structuredClone(binding);
    copy.metadata.resourceVersion = String(this.version++);
    this.objects.set(`${copy.metadata.namespace}/${copy.metadata.name}`, copy);
  }

  read(namespace: string, name: string): VaultSecretBinding {
    const found = this.objects.get(`${namespace}/${name}`);
    if (!found) throw Object.assign(new Error('not found'), { code: 404 });
    return structuredClone(found);
  }

  asClient(): KubeClient {
    return {
      get: async (_kind: unknown, namespace: string, name: string) => this.read(namespace, name),
      patch: async (
        _kind: unknown,
        target: { namespace?: string; name: string; subresource?: string },
        _strategy: unknown,
        body: unknown,
      ) => this.patch(target, body),
    } as unknown as KubeClient;
  }

  private patch(target: { namespace?: string; name: string; subresource?: string }, body: unknown) {
    const current = this.read(target.namespace ?? '', target.name);
    if (target.subresource === 'status') {
      const { status } = body as { status: Json };
      this.statusPatches += 1;
      if (this.failStatusPatch?.(status)) {
        this.failStatusPatch = undefined;
        throw new Error('the operator was killed before this status write');
      }
      current.status = mergePatch(current.status ?? {}, status) as VaultSecretBinding['status'];
    } else {
      for (const op of body as Array<{ op: string; path: string; value?: unknown }>) {
        if (op.op === 'add') {
          current.metadata.finalizers = [...(current.metadata.finalizers ?? []), 'logicops.io/finalizer'];
          this.journal.push('finalizer:added');
        }
        if (op.op === 'remove') {
          current.metadata.finalizers = [];
          this.journal.push('finalizer:removed');
        }
      }
    }
    this.put(current);
    return this.read(target.namespace ?? '', target.name);
  }
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const result: Json =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Json) } : {};
  for (const [key, value] of Object.entries(patch as Json)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}
