// Turns the TypeScript CRD definitions into the YAML files the repository ships: a plain copy
// under config/crd/ (kubectl apply -k) and the Helm chart's templates/crds/. The Helm copy is
// the same YAML wrapped in `{{- if .Values.crds.install }}` so that only one release of a
// sharded fleet owns the CRDs; the CRD body itself carries no template syntax. The API
// reference page is rendered from the same schemas, so it is stale-checked the same way.
import { stringify } from 'yaml';
import { allCrds } from './index.ts';
import { apiReferenceMarkdown } from './reference-doc.ts';
import type { CustomResourceDefinitionManifest } from './schema/json-schema.ts';

const HEADER =
  '# Generated from src/crds by `npm run crds:render`. Do not edit: change src/crds and re-render.\n';

export const CONFIG_CRD_DIR = 'config/crd';
export const HELM_CRD_DIR = 'deploy/helm/logicops/templates/crds';
export const API_REFERENCE = 'docs/api-reference.md';

const HELM_OPEN = '{{- if .Values.crds.install }}\n';
const HELM_CLOSE = '{{- end }}\n';

/** The Helm copy: the plain YAML, installed only when the release owns the CRDs. */
export function helmCrdTemplate(crd: CustomResourceDefinitionManifest): string {
  return `${HELM_OPEN}${crdYaml(crd)}${HELM_CLOSE}`;
}

/** The CRD YAML inside a Helm copy (what Helm renders when crds.install is true). */
export function unwrapHelmCrdTemplate(text: string): string {
  return text.startsWith(HELM_OPEN) && text.endsWith(HELM_CLOSE)
    ? text.slice(HELM_OPEN.length, text.length - HELM_CLOSE.length)
    : text;
}

export function crdYaml(crd: CustomResourceDefinitionManifest): string {
  // lineWidth 0: long CEL rules and messages stay on one line, so diffs and greps stay readable.
  // No anchors or aliases for schema pieces shared between fields (the same enum array, say):
  // kubectl's YAML reader refused the aliased output of `logicops crds` ("could not find
  // expected ':'"), and a reader of the CRD should see every field's schema where it stands.
  return HEADER + stringify(crd, { lineWidth: 0, aliasDuplicateObjects: false });
}

function fileName(crd: CustomResourceDefinitionManifest): string {
  return `${crd.spec.group}_${crd.spec.names.plural}.yaml`;
}

/** Every generated file, keyed by its path relative to the repository root. */
export function renderedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const crds = allCrds();
  for (const crd of crds) {
    const yaml = crdYaml(crd);
    files.set(`${CONFIG_CRD_DIR}/${fileName(crd)}`, yaml);
    files.set(`${HELM_CRD_DIR}/${fileName(crd)}`, helmCrdTemplate(crd));
  }
  files.set(
    `${CONFIG_CRD_DIR}/kustomization.yaml`,
    HEADER +
      stringify({
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        resources: crds.map(fileName),
      }),
  );
  files.set(API_REFERENCE, apiReferenceMarkdown(crds));
  return files;
}
