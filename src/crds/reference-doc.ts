// Renders docs/api-reference.md from the same schemas the API server enforces, so the page
// cannot drift from admission: every field, default, bound, rule message and condition reason.
import { GROUP, VERSION } from './api-group.ts';
import { ConditionType, IN_FLIGHT_REASONS, REASON_MEANINGS, Reason, STALLED_REASONS } from './conditions.ts';
import { logicAppWorkflowExamples } from './logic-app-workflow/examples.ts';
import { CALLBACK_URL_EXAMPLE, PARAMETERS_FROM_EXAMPLE } from './logic-app-workflow/reference-examples.ts';
import type { CustomResourceDefinitionManifest, JsonSchema } from './schema/json-schema.ts';

const INTRO = `# logicops API reference (\`${GROUP}/${VERSION}\`)

Generated from \`src/crds\` by \`npm run crds:render\`; do not edit by hand.

logicops serves three namespaced kinds. All are in the \`logicops\` category (\`kubectl get logicops\`), have a
\`status\` subresource (only the operator writes status), and are validated by the API server itself: a
mistake is refused at \`kubectl apply\` with the field path and the rule, before anything reaches Azure.

How admission reports a problem: \`<field path>: <kind of error>: <message>\`, for example
\`spec.secretName: Invalid value: "string": secretName must be 1-127 letters, digits and hyphens\`.
When a value already breaks a basic bound (type, length, count, allowed values), the API server reports that
and adds "some validation rules were not checked"; fix it and the remaining rules run.
Rules marked **on update** compare the new object with the stored one (immutable fields).

Conventions shared by every kind:

- ARM resource ids are accepted with the segment casing Azure tools print (\`resourceGroups\` or
  \`resourcegroups\`, \`Microsoft.KeyVault\` or \`microsoft.keyvault\`); Azure compares them case-insensitively.
- Every value that becomes part of an Azure URL (subscription id, resource group, workflow name, vault id, secret
  name, user-assigned identity id, API connection name) must follow Azure's own naming rules: no \`.\` or \`..\`, no \`/\`, \`?\`, \`#\`,
  \`%\`, spaces or look-alike letters where Azure allows only a-z, A-Z and 0-9. The operator checks them again before
  any request: an object that slipped past admission (a CRD from an older release, validation turned off) is
  \`Stalled\` with reason \`InvalidSpec\` naming the field, and nothing is sent to Azure for it.
- \`deletionPolicy: Delete\` (default) removes what logicops created or granted when the object is deleted;
  \`Orphan\` leaves Azure untouched.
- Annotations: \`logicops.io/paused: "true"\` (observe only: reads, no writes), \`logicops.io/reconcile-request: <any new
  value>\` (reconcile now; echoed in \`status.lastHandledReconcileRequest\`), \`logicops.io/adopt: "true"\` (LogicAppWorkflow
  only: take over an existing Azure workflow that carries no logicops owner tag; only where a cluster admin annotated
  the namespace \`logicops.io/allow-adoption: "true"\`, and never a workflow tagged for another owner). A binding
  needs no adoption: grants carry no owner tag, an access-policy permission that was there before logicops added it
  is recorded as pre-existing and never removed, and a role assignment under another name is left alone (the same
  holds for a WorkflowRoleAssignment). A LogicAppConnection never adopts: an API connection without its owner tag
  is left alone (\`AlreadyOwned\`).
- Status is a report, never an input: what logicops granted and which principal it grants are kept in the operator's
  own records (ConfigMaps in its namespace, see docs/security.md), so a forged or lost status changes nothing in Azure.
- A workflow's \`spec.parameters\` holds plain values (\`name: value\`); each becomes \`{ "value": ... }\` of the
  Azure workflow parameter. A binding's \`parameterName\` fills one parameter with the secret's URI (not its value).
  \`spec.parametersFrom\` fills a \`securestring\`/\`secureobject\` parameter with the value of a key of a Secret in
  the workflow's namespace (worked example below).
`;

interface Row {
  path: string;
  schema: JsonSchema;
  required: boolean;
}

function rows(schema: JsonSchema, path: string, required: boolean, out: Row[]): Row[] {
  out.push({ path, schema, required });
  const requiredChildren = new Set(schema.required ?? []);
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    rows(child, `${path}.${name}`, requiredChildren.has(name), out);
  }
  if (schema.items?.properties) rows(schema.items, `${path}[]`, false, out);
  // A map of objects (spec.parametersFrom): its entries' fields, under a placeholder key.
  const entry = schema.additionalProperties;
  if (typeof entry === 'object' && entry?.properties) {
    for (const [name, child] of Object.entries(entry.properties)) {
      rows(child, `${path}.<name>.${name}`, new Set(entry.required ?? []).has(name), out);
    }
  }
  return out;
}

function typeOf(s: JsonSchema): string {
  if (s['x-kubernetes-preserve-unknown-fields']) return 'object (any JSON)';
  if (s.type === 'array') return `[]${s.items?.enum ? s.items.enum.join(' | ') : (s.items?.type ?? 'any')}`;
  if (s.additionalProperties) return `map[string]${s.additionalProperties.type ?? 'any'}`;
  if (s.enum) return s.enum.join(' | ');
  return s.type ?? 'any';
}

function bounds(s: JsonSchema): string[] {
  const b: string[] = [];
  if (s.minLength !== undefined) b.push(`min length ${s.minLength}`);
  if (s.maxLength !== undefined) b.push(`max length ${s.maxLength}`);
  if (s.minItems !== undefined) b.push(`min items ${s.minItems}`);
  if (s.maxItems !== undefined) b.push(`max items ${s.maxItems}`);
  if (s.maxProperties !== undefined) b.push(`max entries ${s.maxProperties}`);
  if (s.additionalProperties?.maxLength !== undefined)
    b.push(`values max length ${s.additionalProperties.maxLength}`);
  if (s['x-kubernetes-list-type'] === 'set') b.push('no duplicates');
  return b;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function fieldTable(schema: JsonSchema, root: string): string {
  const lines = [
    '| field | type | default | required | description | bounds and rules |',
    '|---|---|---|---|---|---|',
  ];
  for (const row of rows(schema, root, true, []).slice(1)) {
    const s = row.schema;
    const rules = (s['x-kubernetes-validations'] ?? []).map(
      (r) => `${r.rule.includes('oldSelf') ? '**on update**: ' : ''}"${r.message}"`,
    );
    lines.push(
      `| \`${row.path}\` | ${cell(typeOf(s))} | ${s.default === undefined ? '' : `\`${JSON.stringify(s.default)}\``} | ${row.required ? 'yes' : ''} | ${cell(s.description ?? '')} | ${cell([...bounds(s), ...rules].join('; '))} |`,
    );
  }
  return lines.join('\n');
}

function ruleList(rules: JsonSchema['x-kubernetes-validations'], at: string): string[] {
  return (rules ?? []).map(
    (r) =>
      `- ${r.rule.includes('oldSelf') ? '**on update**: ' : ''}reported at \`${at}${r.fieldPath ?? ''}\`: "${r.message}"`,
  );
}

function kindSection(crd: CustomResourceDefinitionManifest): string {
  const version = crd.spec.versions[0]!;
  const root = version.schema.openAPIV3Schema;
  const names = crd.spec.names;
  const objectRules = [
    ...ruleList(root['x-kubernetes-validations'], '').map((r) => r.replace('`.spec', '`spec')),
    ...ruleList(root.properties?.spec?.['x-kubernetes-validations'], 'spec'),
  ];
  const columns = version.additionalPrinterColumns.map(
    (c) => `| ${c.name} | \`${c.jsonPath}\` | ${c.priority ? '`-o wide`' : 'default'} |`,
  );
  return [
    `## ${names.kind}`,
    '',
    cell(root.description ?? ''),
    '',
    `Short name \`${names.shortNames.join('`, `')}\`, plural \`${names.plural}\`, category \`${names.categories.join(', ')}\`.`,
    '',
    '### spec',
    '',
    fieldTable(root.properties!.spec!, 'spec'),
    '',
    ...(objectRules.length ? ['Rules across fields:', '', ...objectRules, ''] : []),
    '### status (written by the operator)',
    '',
    fieldTable(root.properties!.status!, 'status'),
    '',
    '### kubectl columns',
    '',
    '| column | from | shown |',
    '|---|---|---|',
    ...columns,
    '',
  ].join('\n');
}

function conditionsSection(): string {
  const group = (r: Reason) =>
    r === Reason.Succeeded
      ? 'Ready=True'
      : (IN_FLIGHT_REASONS as readonly string[]).includes(r)
        ? 'Ready=False, Reconciling=True'
        : (STALLED_REASONS as readonly string[]).includes(r)
          ? `Ready=False, Stalled=True${r === Reason.QuotaExceeded ? '; also QuotaAvailable=False' : ''}`
          : 'QuotaAvailable=True';
  const reasonRows = (Object.keys(REASON_MEANINGS) as Reason[]).map(
    (r) =>
      `| \`${r}\` | ${group(r)} | ${REASON_MEANINGS[r].kinds.join(', ')} | ${cell(REASON_MEANINGS[r].meaning)} |`,
  );
  return [
    '## Conditions',
    '',
    `Every kind writes \`${Object.values(ConditionType).join('`, `')}\` in \`status.conditions\` (metav1.Condition shape), and a`,
    'top-level `status.observedGeneration`, so kstatus (Flux, `kubectl wait`) and Argo CD read them right:',
    '`Reconciling=True` means work in flight or waiting on something that clears by itself; `Stalled=True` means a',
    'human must act (an invalid spec is not retried until `metadata.generation` changes; an environment problem is',
    'retried at resync cadence and when a related object changes). `Ready` is written from the first reconcile on.',
    '',
    '| reason | conditions | kinds | meaning |',
    '|---|---|---|---|',
    ...reasonRows,
    '',
    'Example: `kubectl wait --for=condition=Ready law/partner-sync`.',
    '',
  ].join('\n');
}

export function apiReferenceMarkdown(crds: CustomResourceDefinitionManifest[]): string {
  const examples: Record<string, string> = {
    LogicAppWorkflow: `${PARAMETERS_FROM_EXAMPLE}\n${logicAppWorkflowExamples()}\n${CALLBACK_URL_EXAMPLE}`,
  };
  const sections = crds.map((crd) => {
    const example = examples[crd.spec.names.kind];
    return example ? `${kindSection(crd)}\n${example}` : kindSection(crd);
  });
  return [INTRO, ...sections, conditionsSection()].join('\n');
}
