// Worked examples for docs/api-reference.md, per kind: rendered after the kind's kubectl
// columns (reference-doc.ts). Each is a manifest a team would apply and what it gets.

export const WORKED_EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  LogicAppWorkflow: [
    `### Example: the callback URL of a Request trigger in a Secret

A workflow started by an HTTP request; logicops keeps its callback URL (with its \`sig\`) in the Secret
\`orders-intake-callback\` of the same namespace, regenerates the access key every 30 days, and deletes the Secret
with the workflow (\`config/samples/logicops_v1alpha1_logicappworkflow_callback_url.yaml\`):

\`\`\`yaml
apiVersion: logicops.io/v1alpha1
kind: LogicAppWorkflow
metadata:
  name: orders-intake
  namespace: team-a
spec:
  subscriptionId: 5ab1e0c5-1d2e-4f3a-8b4c-10c1c0a5d3e1
  resourceGroup: logicops-demo
  location: westeurope
  identity: { type: None }
  definition:
    $schema: https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#
    contentVersion: 1.0.0.0
    triggers:
      manual: { type: Request, kind: Http, inputs: { schema: {} } }
    actions: {}
  callbackUrl:
    secretName: orders-intake-callback   # created and owned by logicops; never someone else's Secret
    # secretKey: url                     # the default
    # trigger: manual                    # the default: the definition's only Request trigger
    rotateEvery: 720h
\`\`\`

A caller in the namespace reads the URL from the Secret, never from the portal:

\`\`\`yaml
env:
  - name: ORDERS_INTAKE_URL
    valueFrom: { secretKeyRef: { name: orders-intake-callback, key: url } }
\`\`\`

Rotate now (the old URL stops working at once; the Secret holds the new one when the reconcile ends):

<!-- not-run-in-ci: needs the workflow above in a running operator; test/integration/controllers/logic-app-workflow/callback-url.test.ts rotates by this annotation through the API server -->
\`\`\`sh
kubectl -n team-a annotate law/orders-intake logicops.io/rotate-access-key="$(date -u +%FT%TZ)" --overwrite
kubectl -n team-a get law/orders-intake -o jsonpath='{.status.callbackUrl}'
# {"lastHandledRotateRequest":"2026-12-07T20:00:00Z","lastRotationTime":"2026-12-07T20:00:01Z","secretName":"orders-intake-callback","trigger":"manual"}
\`\`\`

Status and Events name the Secret and the trigger, never the URL. Environment variables are read once when a
container starts: mount the Secret as a file (updated by the kubelet within about a minute) or restart the caller
after a rotation. A Secret of that name that the workflow does not own is refused (\`Stalled\`, \`AlreadyOwned\`);
a definition without a Request trigger, or with several and no \`trigger\`, is \`InvalidSpec\`.
`,
  ],
};
