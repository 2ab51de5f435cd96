// Create / update / read logicops objects through the real API server and capture what
// admission said, so tests assert on the exact message a user would see.
import { ApiException, CustomObjectsApi } from '@kubernetes/client-node';
import {
  GROUP,
  LOGIC_APP_CONNECTION,
  LOGIC_APP_WORKFLOW_PLURAL,
  VAULT_SECRET_BINDING_PLURAL,
  VERSION,
  WORKFLOW_ROLE_ASSIGNMENT,
} from '../../../../src/crds/index.ts';
import { adminKubeConfig } from '../../support/cluster.ts';

// biome-ignore lint/suspicious/noExplicitAny: test objects are deliberately untyped so they can be wrong
export type AnyObject = Record<string, any>;

export type Outcome = { ok: true; object: AnyObject } | { ok: false; status: number; message: string };

const PLURALS: Record<string, string> = {
  LogicAppWorkflow: LOGIC_APP_WORKFLOW_PLURAL,
  VaultSecretBinding: VAULT_SECRET_BINDING_PLURAL,
  WorkflowRoleAssignment: WORKFLOW_ROLE_ASSIGNMENT.plural,
  LogicAppConnection: LOGIC_APP_CONNECTION.plural,
};

function pluralOf(object: AnyObject): string {
  const plural = PLURALS[object.kind];
  if (!plural) throw new Error(`not a logicops kind: ${object.kind}`);
  return plural;
}

function api(): CustomObjectsApi {
  return adminKubeConfig().makeApiClient(CustomObjectsApi);
}

async function outcome(call: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, object: (await call) as AnyObject };
  } catch (error) {
    if (error instanceof ApiException) {
      const body = typeof error.body === 'string' ? safeJson(error.body) : error.body;
      return { ok: false, status: error.code, message: String(body?.message ?? error.body) };
    }
    throw error;
  }
}

function safeJson(text: string): AnyObject | undefined {
  try {
    return JSON.parse(text) as AnyObject;
  } catch {
    return { message: text };
  }
}

export function create(namespace: string, object: AnyObject, options: { dryRun?: boolean } = {}) {
  return outcome(
    api().createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: pluralOf(object),
      body: object,
      ...(options.dryRun ? { dryRun: 'All' } : {}),
    }),
  );
}

/** Replaces the stored object (PUT) with `object`, keeping its resourceVersion. */
export function replace(namespace: string, object: AnyObject, options: { dryRun?: boolean } = {}) {
  return outcome(
    api().replaceNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: pluralOf(object),
      name: object.metadata.name,
      body: object,
      ...(options.dryRun ? { dryRun: 'All' } : {}),
    }),
  );
}

export function replaceStatus(namespace: string, object: AnyObject) {
  return outcome(
    api().replaceNamespacedCustomObjectStatus({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: pluralOf(object),
      name: object.metadata.name,
      body: object,
    }),
  );
}
