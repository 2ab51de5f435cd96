// Schema pieces the kinds share: conditions in the metav1.Condition shape, deletion policy,
// quota usage, the reference to a workflow, and the envelope that turns a spec + status schema
// into a CRD.
import { CATEGORY, GROUP, type KindNames, VERSION } from '../api-group.ts';
import { celMatches, KUBERNETES_NAME } from '../azure-formats.ts';
import { DeletionPolicy, type QuotaUsage } from '../common-types.ts';
import { enumOf, immutable, integer, object, string, withRules } from './builders.ts';
import type { CelRule, CustomResourceDefinitionManifest, JsonSchema, PrinterColumn } from './json-schema.ts';

/** Helm must never delete a CRD on uninstall: that would delete every object of the kind. */
export const HELM_KEEP_ANNOTATION = { 'helm.sh/resource-policy': 'keep' } as const;

export const deletionPolicySchema = enumOf(
  'What happens in Azure when the object is deleted: Delete removes what logicops created or granted; Orphan leaves Azure untouched.',
  Object.values(DeletionPolicy),
  DeletionPolicy.Delete,
);

/** Same bounds as metav1.Condition's generated schema. */
export const conditionsSchema: JsonSchema = {
  type: 'array',
  description: 'Ready, Reconciling, Stalled and QuotaAvailable, kstatus-compatible.',
  maxItems: 16,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
  items: object(
    'A metav1.Condition.',
    {
      type: string('Condition type.', {
        maxLength: 316,
        pattern:
          '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
      }),
      status: enumOf('True, False or Unknown.', ['True', 'False', 'Unknown']),
      observedGeneration: integer('The generation the condition was set for.', { minimum: 0 }),
      lastTransitionTime: string('When the status last changed.', { format: 'date-time' }),
      reason: string('CamelCase reason from the logicops vocabulary.', {
        minLength: 1,
        maxLength: 1024,
        pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
      }),
      message: string('Human-readable details.', { maxLength: 32768 }),
    },
    { required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'] },
  ),
};

export const quotaSchema: JsonSchema = {
  type: 'array',
  description: 'Usage against the Azure limits that apply to this object.',
  maxItems: 8,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['name'],
  items: object(
    'Usage of one Azure limit.',
    {
      name: string('Which limit.', { maxLength: 64 }),
      scope: string('The Azure scope the limit is counted in.', { maxLength: 512 }),
      used: integer('Used, counted by the operator.', { minimum: 0 }),
      limit: integer('The configured limit.', { minimum: 0 }),
    } satisfies Record<keyof QuotaUsage, JsonSchema>,
    { required: ['name', 'scope', 'used', 'limit'] },
  ),
};

/** `spec.workflowRef` of a kind that grants a workflow's identity: same namespace, immutable. */
export function workflowRefSchema(granted: string, kind: string): JsonSchema {
  return withRules(
    object(
      `The LogicAppWorkflow whose identity is granted ${granted}; same namespace only. Immutable.`,
      {
        name: withRules(
          string('LogicAppWorkflow name.', { minLength: 1, maxLength: KUBERNETES_NAME.maxLength }),
          {
            rule: celMatches(KUBERNETES_NAME),
            message: 'workflowRef.name must be a LogicAppWorkflow name: lower-case letters, digits, - and .',
          },
        ),
      },
      { required: ['name'] },
    ),
    immutable(`workflowRef is immutable: create a new ${kind} for another workflow`),
  );
}

export function observedGenerationSchema(): JsonSchema {
  return integer('The metadata.generation the status describes (kstatus reads this).', { minimum: 0 });
}

export function lastHandledReconcileRequestSchema(): JsonSchema {
  return string('The last logicops.io/reconcile-request annotation value handled.', { maxLength: 256 });
}

export const readyColumns: PrinterColumn[] = [
  {
    name: 'Ready',
    type: 'string',
    jsonPath: '.status.conditions[?(@.type=="Ready")].status',
    description: 'Ready condition status',
  },
  {
    name: 'Reason',
    type: 'string',
    jsonPath: '.status.conditions[?(@.type=="Ready")].reason',
    description: 'Ready condition reason',
  },
];

export const ageColumn: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
};

export interface KindDefinition {
  names: KindNames;
  description: string;
  spec: JsonSchema;
  status: JsonSchema;
  /** Rules on the whole object: the only place CEL can see metadata.name. */
  rootRules?: JsonSchema['x-kubernetes-validations'];
  printerColumns: PrinterColumn[];
}

export function customResourceDefinition(kind: KindDefinition): CustomResourceDefinitionManifest {
  const root: JsonSchema = {
    type: 'object',
    description: kind.description,
    required: ['spec'],
    properties: {
      apiVersion: string('APIVersion of this representation of the object.'),
      kind: string('Kind of this object.'),
      metadata: { type: 'object' },
      spec: kind.spec,
      status: kind.status,
    },
    ...(kind.rootRules ? { 'x-kubernetes-validations': kind.rootRules } : {}),
  };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${kind.names.plural}.${GROUP}`,
      annotations: { ...HELM_KEEP_ANNOTATION },
      labels: { 'app.kubernetes.io/name': 'logicops', 'app.kubernetes.io/part-of': 'logicops' },
    },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: {
        kind: kind.names.kind,
        listKind: kind.names.listKind,
        plural: kind.names.plural,
        singular: kind.names.singular,
        shortNames: [...kind.names.shortNames],
        categories: [CATEGORY],
      },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: kind.printerColumns,
          schema: { openAPIV3Schema: root },
        },
      ],
    },
  };
}

/**
 * Azure's tag limits (Microsoft Learn, "Use tags to organize your Azure resources and
 * management hierarchy", Limitations): 50 tags, names up to 512 characters without
 * < > % & \ ? /, values up to 256. ARM also refuses control characters and blank names
 * (packages/azure-emulator/src/arm/tags.ts). The owner tag is the 50th; its value always fits
 * (controllers/shared/owner-tag.ts). Names starting with logicops are the operator's.
 */
export function azureTagsSchema(maxTags: number): JsonSchema {
  return {
    type: 'object',
    description: `Azure tags (name 1-512, value up to 256 characters). At most ${maxTags}: Azure allows 50 and logicops adds its owner tag.`,
    maxProperties: maxTags,
    additionalProperties: { type: 'string', maxLength: 256 },
    'x-kubernetes-validations': [
      {
        rule: "self.all(name, size(name) >= 1 && size(name) <= 512 && name.matches(r'\\S') && !name.matches(r'[<>%&\\\\?/\\p{Cc}]'))",
        message:
          'tag names must be 1-512 characters, not only spaces, and must not contain < > % & \\ ? / or control characters',
      },
      {
        rule: "self.all(name, !name.lowerAscii().startsWith('logicops'))",
        message: 'tag names starting with logicops are reserved for the operator',
      },
    ],
  };
}

/** The effective Azure name is azureName, or metadata.name; only the root sees both. */
const effectiveAzureName = (o: string) =>
  `(has(${o}.spec.azureName) ? ${o}.spec.azureName : ${o}.metadata.name)`;

/**
 * The root rules of a kind named in Azure by `spec.azureName` or, unset, `metadata.name`: the
 * name must fit Azure's length (`what`: "workflow", "connection") and never changes.
 */
export function azureNameRootRules(what: string, maxLength: number): CelRule[] {
  return [
    {
      rule: `has(self.spec.azureName) || size(self.metadata.name) <= ${maxLength}`,
      message: `metadata.name is the Azure ${what} name when spec.azureName is unset and must then be at most ${maxLength} characters: set spec.azureName`,
      fieldPath: '.spec.azureName',
      reason: 'FieldValueRequired',
    },
    {
      rule: `${effectiveAzureName('self')} == ${effectiveAzureName('oldSelf')}`,
      message:
        'azureName is immutable: the Azure name (spec.azureName, or metadata.name when unset) cannot change',
      fieldPath: '.spec.azureName',
    },
  ];
}
