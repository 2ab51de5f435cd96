// Reads one Secret key a workflow takes a parameter value from (spec.parametersFrom), with a GET
// by name in the workflow's own namespace: the only Secret permission this needs is `get`, which
// the chart grants per namespace in workflowSecrets.namespaces (never cluster-wide). Secrets are
// not listed or watched — a list or watch grant would hand the operator every Secret of those
// namespaces at once, and keep them all in its heap. So a changed Secret is noticed at the
// workflow's next pass (its resync, any change to the workflow, or a
// logicops.io/reconcile-request), not the moment it changes.
//
// The Secret must carry PARAMETER_SOURCE_LABEL: "true". The operator may read every Secret of a
// namespace it has Secret rights in, and a team writes the definition that receives the value
// (and may send it anywhere); without the label, naming a Secret the team cannot read itself —
// another application's, a ServiceAccount token — would let the team read it through its
// workflow. The label is the consent of whoever writes the Secret.
//
// Nothing read here is kept after the pass, logged, or put into a message.
import type { V1Secret } from '@kubernetes/client-node';
import type { SecretKeyRef } from '../../crds/index.ts';
import { httpStatusOf, type KubeClient } from '../../runtime/index.ts';
import { PARAMETER_SOURCE_LABEL } from '../../vocabulary.ts';
import { SECRET_RESOURCE } from '../resource-kinds.ts';

export type SecretKeyRead =
  /** The key's text (base64-decoded as UTF-8). */
  | { kind: 'text'; text: string }
  /** Not (yet) usable: `what` completes "Secret ns/name …". Often created by another pipeline: waited for. */
  | { kind: 'unavailable'; what: string }
  /** The operator's RBAC does not let it read Secrets here: a human must act. */
  | { kind: 'forbidden' };

/** What a pass keeps of one Secret: whether it consents, and the referenced keys' base64 only. */
interface SlimSecret {
  labelled: boolean;
  data: Map<string, string>;
}

/**
 * The Secrets one pass reads, by name: several parameters from one Secret cost one GET. Of each
 * Secret only the keys the workflow references are kept (a Secret can hold up to 1 MiB, and a
 * pass may name several), so a pass holds at most one whole Secret at a time, while its GET is
 * answered.
 */
export class SecretReads {
  private readonly secrets = new Map<string, Promise<SlimSecret | undefined>>();

  constructor(
    private readonly kube: Pick<KubeClient, 'get'>,
    private readonly namespace: string,
    /** Every key the pass will ask for. */
    private readonly refs: readonly SecretKeyRef[],
  ) {}

  async key(ref: SecretKeyRef): Promise<SecretKeyRead> {
    let pending = this.secrets.get(ref.name);
    if (!pending) {
      pending = this.get(ref.name);
      this.secrets.set(ref.name, pending);
    }
    let secret: SlimSecret | undefined;
    try {
      secret = await pending;
    } catch (error) {
      if (httpStatusOf(error) === 403) return { kind: 'forbidden' };
      throw error;
    }
    if (!secret) return { kind: 'unavailable', what: 'does not exist' };
    if (!secret.labelled) {
      return { kind: 'unavailable', what: `does not carry the label ${PARAMETER_SOURCE_LABEL}: "true"` };
    }
    const encoded = secret.data.get(ref.key);
    if (encoded === undefined) return { kind: 'unavailable', what: `has no key '${ref.key}'` };
    return { kind: 'text', text: Buffer.from(encoded, 'base64').toString('utf8') };
  }

  private async get(name: string): Promise<SlimSecret | undefined> {
    let secret: V1Secret;
    try {
      secret = await this.kube.get<V1Secret>(SECRET_RESOURCE, this.namespace, name);
    } catch (error) {
      if (httpStatusOf(error) === 404) return undefined;
      throw error;
    }
    const data = new Map<string, string>();
    for (const ref of this.refs) {
      const encoded = ref.name === name ? secret.data?.[ref.key] : undefined;
      if (encoded !== undefined) data.set(ref.key, encoded);
    }
    return { labelled: secret.metadata?.labels?.[PARAMETER_SOURCE_LABEL] === 'true', data };
  }
}
