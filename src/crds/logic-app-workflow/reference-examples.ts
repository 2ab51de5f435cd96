// Worked examples for docs/api-reference.md (rendered by reference-doc.ts), next to the schema
// they explain. Plain text: the page is generated, so the examples live here.
import { PARAMETER_SOURCE_LABEL } from '../../vocabulary.ts';

export const PARAMETERS_FROM_EXAMPLE = `### Worked example: a secure parameter from a Secret (\`spec.parametersFrom\`)

A partner's API key is delivered into the team's namespace by another pipeline, as a Secret; it is not in Key Vault.
The pipeline labels the Secret \`${PARAMETER_SOURCE_LABEL}: "true"\`: that label is the consent of whoever writes
a Secret to have its keys handed to workflows (the operator may read any Secret of a watched namespace, and the team
writes the definition that receives the value; docs/security.md).

\`\`\`yaml
apiVersion: v1
kind: Secret
metadata:
  name: partner-api
  namespace: team-a
  labels:
    ${PARAMETER_SOURCE_LABEL}: "true"
type: Opaque
stringData:
  apiKey: "<the partner's key>"
  settings.json: '{"account": "acme", "region": "eu"}'
---
apiVersion: logicops.io/v1alpha1
kind: LogicAppWorkflow
metadata:
  name: partner-orders
  namespace: team-a
spec:
  subscriptionId: 00000000-0000-0000-0000-000000000000
  resourceGroup: team-a-workflows
  location: westeurope
  definition:
    $schema: https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#
    contentVersion: 1.0.0.0
    parameters:
      partnerKey: { type: securestring }        # the Secret key's text, as is
      partnerSettings: { type: secureobject }   # the Secret key's text, a JSON object
      endpoint: { type: string }                # not secret: spec.parameters
    triggers:
      Every_hour: { type: Recurrence, recurrence: { frequency: Hour, interval: 1 } }
    actions:
      Send_orders:
        type: Http
        runAfter: {}
        inputs:
          method: POST
          uri: "@parameters('endpoint')"
          headers: { Api-key: "@parameters('partnerKey')" }
          body: "@parameters('partnerSettings')"
  parameters:
    endpoint: https://partner.example/orders
  parametersFrom:
    partnerKey:
      secretKeyRef: { name: partner-api, key: apiKey }
    partnerSettings:
      secretKeyRef: { name: partner-api, key: settings.json }
\`\`\`

What happens:

- The workflow is created once, with both values; Azure never returns them (secure types), and status, Events, logs
  and metrics never show them. logicops keeps an HMAC of what it wrote (salted per record) in its own namespace.
- The Secret is read by name at every pass of the workflow (its resync, default every 10 min, any change to the
  workflow, or a new \`logicops.io/reconcile-request\` annotation); Secrets are not watched. Unchanged: no write.
  Changed: one write (an \`Updated\` Event, "secure parameters (changed in the spec or in a Secret they come
  from)"), at the next pass.
- The Secret, a key, or the label missing: \`Ready=False\`, \`Reconciling=True\` \`WaitingForSecret\`, e.g.
  "Secret team-a/partner-api has no key 'apiKey': parameter 'partnerKey' takes its value from its key 'apiKey'
  (spec.parametersFrom). Looked at again every 30 s; the workflow is created in Azure once it can be read."
- Refused, \`Stalled=True\` \`InvalidSpec\` with a Warning Event and nothing written: a parameter the definition does not
  declare, or declares with a type that is not secure (\`string\`, \`object\`, …: Azure would show the value to
  anyone who can read the workflow), or one that \`spec.parameters\` sets as well; and (retried at resync) a
  \`secureobject\` value that is not a JSON object.
- There is no namespace field: a workflow can only name Secrets in its own namespace.

\`config/samples/secure-parameters/partner-key-from-secret.yaml\` is a smaller version that \`npm run dev\` applies.
`;
