// The part every operator-level integration test starts with: the CRDs installed, an in-process
// Azure emulator over HTTPS whose CA this process trusts, and fresh namespaces annotated with
// the namespace policy the test chooses. No operator: tests add the one they need (the full
// `logicops run` wiring in operator-env.ts, one controller, or `logicops run` as a process).

import { type Emulator, type StartEmulatorOptions, startEmulator } from '@logicops/azure-emulator';
import { trustCa } from '@logicops/azure-emulator/test-support/harness';

import { demoNamespaceAnnotations } from '../../../dev/demo-namespace-policy.ts';
import { allCrds } from '../../../src/crds/index.ts';
import { ALLOWED_RESOURCE_GROUPS_ANNOTATION, ALLOWED_VAULTS_ANNOTATION } from '../../../src/vocabulary.ts';
import { type CrdManifest, createTestNamespace, deleteTestNamespace, installCrd } from './cluster.ts';

export interface EmulatorWorld {
  emulator: Emulator;
  /** `/subscriptions/<id>` of the emulator's subscription. */
  subscriptionRoot: string;
  /** The fresh namespaces, in the order of `namespacePrefixes`. */
  namespaces: string[];
  /** Closes the emulator, then deletes the namespaces. */
  stop(): Promise<void>;
}

export interface EmulatorWorldOptions {
  namespacePrefixes: string[];
  emulator?: StartEmulatorOptions;
  /** Annotations of every namespace; default `demoNamespaceAnnotations` (dev/demo-namespace-policy.ts: every sample converges). */
  annotations?: (subscriptionRoot: string) => Record<string, string>;
}

/** The namespace-policy annotations allowing these ARM id globs (an absent one is not set). */
export function policyAnnotations(policy: {
  resourceGroups?: string;
  vaults?: string;
}): Record<string, string> {
  return {
    ...(policy.resourceGroups === undefined
      ? {}
      : { [ALLOWED_RESOURCE_GROUPS_ANNOTATION]: policy.resourceGroups }),
    ...(policy.vaults === undefined ? {} : { [ALLOWED_VAULTS_ANNOTATION]: policy.vaults }),
  };
}

/** Every resource group and every vault of the subscription. */
export function demoScopePolicy(subscriptionRoot: string): { resourceGroups: string; vaults: string } {
  return {
    resourceGroups: `${subscriptionRoot}/resourceGroups/*`,
    vaults: `${subscriptionRoot}/resourceGroups/*/providers/Microsoft.KeyVault/vaults/*`,
  };
}

export async function startEmulatorWorld(options: EmulatorWorldOptions): Promise<EmulatorWorld> {
  for (const crd of allCrds()) await installCrd(crd as unknown as CrdManifest);
  const emulator = await startEmulator({ seed: 'demo', ...options.emulator });
  trustCa(emulator.caCertPem);
  const subscriptionRoot = `/subscriptions/${emulator.subscriptionId}`;
  const annotations = options.annotations?.(subscriptionRoot) ?? demoNamespaceAnnotations(subscriptionRoot);
  const namespaces: string[] = [];
  for (const prefix of options.namespacePrefixes) {
    namespaces.push(await createTestNamespace(prefix, annotations));
  }
  return {
    emulator,
    subscriptionRoot,
    namespaces,
    async stop() {
      await emulator.close();
      for (const namespace of namespaces) await deleteTestNamespace(namespace);
    },
  };
}
