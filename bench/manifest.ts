// What the bench sends to the API server, in its own module so that the scenario and the
// builders of each kind's objects (scenario.ts, role-grants.ts) can share it without a cycle.

/** A namespaced custom object as sent to the API server (the CRD schema fills in defaults). */
export interface Manifest {
  apiVersion: string;
  kind: 'LogicAppWorkflow' | 'VaultSecretBinding' | 'WorkflowRoleAssignment';
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: Record<string, unknown>;
}
