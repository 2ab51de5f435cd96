// The leader-election Lease as the failover suite sees it: who holds it now, and a watch that
// keeps every change with the time it arrived, so a release (empty holder) is seen even when
// the standby takes the lease a few hundred milliseconds later.
import { CoordinationV1Api, type KubeConfig, type V1Lease, Watch } from '@kubernetes/client-node';

export interface LeaseChange {
  atMs: number;
  holder: string;
  transitions: number;
}

export async function leaseHolder(kubeConfig: KubeConfig, namespace: string, name: string): Promise<string> {
  const lease = await kubeConfig
    .makeApiClient(CoordinationV1Api)
    .readNamespacedLease({ name, namespace })
    .catch(() => undefined);
  return lease?.spec?.holderIdentity ?? '';
}

export interface LeaseHistory {
  readonly changes: LeaseChange[];
  /** Set when the watch ended before `stop()` (the history is then incomplete). */
  readonly ended: () => unknown;
  stop(): void;
}

export async function watchLease(
  kubeConfig: KubeConfig,
  namespace: string,
  name: string,
): Promise<LeaseHistory> {
  const changes: LeaseChange[] = [];
  let endedWith: unknown;
  let stopping = false;
  const controller = await new Watch(kubeConfig).watch(
    `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`,
    { fieldSelector: `metadata.name=${name}` },
    (_type: string, lease: V1Lease) => {
      changes.push({
        atMs: Date.now(),
        holder: lease.spec?.holderIdentity ?? '',
        transitions: lease.spec?.leaseTransitions ?? 0,
      });
    },
    (error: unknown) => {
      if (!stopping) endedWith = error ?? new Error('the lease watch ended');
    },
  );
  return {
    changes,
    ended: () => endedWith,
    stop: () => {
      stopping = true;
      controller.abort();
    },
  };
}
