// The Secret a workflow's callback URL is kept in: one per workflow, in the workflow's own
// namespace, created and owned by logicops (a controller ownerReference to the LogicAppWorkflow,
// so a cluster's garbage collector removes it with the workflow; logicops deletes it itself too,
// for clusters without one). A Secret of that name that this workflow does not own is never
// written or deleted: a team's other Secret is not ours to overwrite.
//
// The URL carries its own authorization (`sig`): it goes into the Secret's data and nowhere
// else. Compared in memory with what the Secret holds, written only when it differs.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import { API_VERSION, LOGIC_APP_WORKFLOW_KIND, type LogicAppWorkflow } from '../../../crds/index.ts';
import { isNotFound, type KubeClient } from '../../../runtime/index.ts';
import { PatchStrategy } from '../../../runtime/kube-client.ts';
import { MANAGED_BY_LABELS, WORKFLOW_LABEL } from '../../../vocabulary.ts';
import { SECRET_RESOURCE } from '../../resource-kinds.ts';

export type SecretState =
  | { kind: 'missing' }
  | { kind: 'ours'; secret: V1Secret }
  /** Exists and has no controller ownerReference to this workflow (by uid). */
  | { kind: 'foreign' };

export async function readCallbackSecret(
  kube: KubeClient,
  workflow: LogicAppWorkflow,
  name: string,
): Promise<SecretState> {
  try {
    const secret = await kube.get<V1Secret>(SECRET_RESOURCE, workflow.metadata.namespace, name);
    return ownedBy(secret, workflow) ? { kind: 'ours', secret } : { kind: 'foreign' };
  } catch (error) {
    if (isNotFound(error)) return { kind: 'missing' };
    throw error;
  }
}

function ownedBy(secret: V1Secret, workflow: LogicAppWorkflow): boolean {
  const uid = workflow.metadata.uid;
  return (
    uid !== undefined &&
    (secret.metadata?.ownerReferences ?? []).some(
      (ref) => ref.controller === true && ref.kind === LOGIC_APP_WORKFLOW_KIND && ref.uid === uid,
    )
  );
}

/** A label value naming the workflow: its name when that is a valid label value, else a digest of it. */
export function workflowLabelValue(name: string): string {
  return name.length <= 63 ? name : `sha256-${createHash('sha256').update(name).digest('hex').slice(0, 56)}`;
}

/** True when the Secret holds exactly `url` under `key` (and nothing else), with our label. */
function holds(secret: V1Secret, workflow: LogicAppWorkflow, key: string, url: string): boolean {
  const data = secret.data ?? {};
  const stored = data[key];
  if (stored === undefined || Object.keys(data).length !== 1) return false;
  if (secret.metadata?.labels?.[WORKFLOW_LABEL] !== workflowLabelValue(workflow.metadata.name ?? ''))
    return false;
  const a = createHash('sha256').update(Buffer.from(stored, 'base64')).digest();
  const b = createHash('sha256').update(url).digest();
  return timingSafeEqual(a, b);
}

export type SecretWrite = 'created' | 'updated' | 'unchanged';

/**
 * Makes the Secret hold `url` under `key`: created when missing (409 if someone created it
 * meanwhile: the next pass judges it), patched when ours and different, under the
 * resourceVersion read (409 if it changed meanwhile).
 */
export async function writeCallbackSecret(
  kube: KubeClient,
  workflow: LogicAppWorkflow,
  name: string,
  state: Exclude<SecretState, { kind: 'foreign' }>,
  key: string,
  url: string,
): Promise<SecretWrite> {
  const namespace = workflow.metadata.namespace ?? '';
  const labels = { ...MANAGED_BY_LABELS, [WORKFLOW_LABEL]: workflowLabelValue(workflow.metadata.name ?? '') };
  const value = Buffer.from(url).toString('base64');
  if (state.kind === 'missing') {
    const secret: V1Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: {
        name,
        namespace,
        labels,
        ownerReferences: [
          {
            apiVersion: API_VERSION,
            kind: LOGIC_APP_WORKFLOW_KIND,
            name: workflow.metadata.name ?? '',
            uid: workflow.metadata.uid ?? '',
            controller: true,
          },
        ],
      },
      data: { [key]: value },
    };
    await kube.create(SECRET_RESOURCE, { namespace }, secret);
    return 'created';
  }
  const { secret } = state;
  if (holds(secret, workflow, key, url)) return 'unchanged';
  // Other keys (a former secretKey, or added by hand) go: the Secret holds the current URL only.
  const data: Record<string, string | null> = Object.fromEntries(
    Object.keys(secret.data ?? {}).map((other) => [other, null]),
  );
  data[key] = value;
  await kube.patch(SECRET_RESOURCE, { namespace, name }, PatchStrategy.MergePatch, {
    metadata: { resourceVersion: secret.metadata?.resourceVersion, labels },
    data,
  });
  return 'updated';
}

/** Deletes the Secret if this workflow owns it; a missing one, or someone else's, is left as it is. */
export async function deleteCallbackSecret(
  kube: KubeClient,
  workflow: LogicAppWorkflow,
  name: string,
): Promise<boolean> {
  const state = await readCallbackSecret(kube, workflow, name);
  if (state.kind !== 'ours') return false;
  try {
    await kube.delete(SECRET_RESOURCE, { namespace: workflow.metadata.namespace ?? '', name });
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}
