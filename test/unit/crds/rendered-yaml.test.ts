// The stale-YAML check: the CRD files in the repository must be exactly what src/crds renders.
// When this fails, run `npm run crds:render` and commit the result.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { allCrds } from '../../../src/crds/index.ts';
import {
  CONFIG_CRD_DIR,
  HELM_CRD_DIR,
  renderedFiles,
  unwrapHelmCrdTemplate,
} from '../../../src/crds/render.ts';

const repoRoot = new URL('../../../', import.meta.url).pathname;

describe('rendered CRD YAML', () => {
  const files = [...renderedFiles()];

  it.each(files.map(([path]) => path))('%s is up to date (npm run crds:render)', async (path) => {
    const onDisk = await readFile(join(repoRoot, path), 'utf8').catch(() => '<missing>');
    expect(onDisk, `${path} is stale: run npm run crds:render`).toBe(renderedFiles().get(path));
  });

  it('ships each CRD to config/crd and to the Helm chart, kept on helm uninstall', () => {
    for (const crd of allCrds()) {
      for (const dir of [CONFIG_CRD_DIR, HELM_CRD_DIR]) {
        const text = renderedFiles().get(`${dir}/${crd.spec.group}_${crd.spec.names.plural}.yaml`);
        expect(text, `${dir} copy of ${crd.metadata.name}`).toBeDefined();
        const parsed = parse(unwrapHelmCrdTemplate(text ?? ''));
        expect(parsed).toEqual(crd);
        expect(parsed.metadata.annotations['helm.sh/resource-policy']).toBe('keep');
      }
    }
  });

  it('Helm copies are gated by crds.install and their CRD body holds no template syntax', () => {
    for (const [path, text] of files) {
      if (!path.startsWith(HELM_CRD_DIR)) continue;
      expect(text.startsWith('{{- if .Values.crds.install }}\n')).toBe(true);
      expect(unwrapHelmCrdTemplate(text)).not.toContain('{{');
    }
  });

  it('the kustomization lists every CRD file', () => {
    const kustomization = parse(renderedFiles().get(`${CONFIG_CRD_DIR}/kustomization.yaml`) ?? '');
    expect(kustomization.resources).toEqual(
      allCrds().map((crd) => `${crd.spec.group}_${crd.spec.names.plural}.yaml`),
    );
  });
});
