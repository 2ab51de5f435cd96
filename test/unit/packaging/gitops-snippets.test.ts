// The Argo CD snippets embed docs/gitops/health.lua; they must not drift from it, since the
// Lua file is what the integration tests run.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../../support/packaging-tools.ts';

const gitops = path.join(repoRoot, 'docs/gitops');
const script = readFileSync(path.join(gitops, 'health.lua'), 'utf8');
const KEYS = [
  'resource.customizations.health.logicops.io_LogicAppConnection',
  'resource.customizations.health.logicops.io_LogicAppWorkflow',
  'resource.customizations.health.logicops.io_VaultSecretBinding',
  'resource.customizations.health.logicops.io_WorkflowRoleAssignment',
];

describe('Argo CD snippets', () => {
  it('argocd-cm.yaml carries health.lua for every kind', () => {
    const configMap = parse(readFileSync(path.join(gitops, 'argocd-cm.yaml'), 'utf8')) as {
      metadata: { name: string };
      data: Record<string, string>;
    };
    expect(configMap.metadata.name).toBe('argocd-cm');
    expect(Object.keys(configMap.data).sort()).toEqual(KEYS);
    for (const key of KEYS) expect(configMap.data[key]).toBe(script);
  });

  it('argocd-values.yaml carries health.lua for every kind under configs.cm', () => {
    const values = parse(readFileSync(path.join(gitops, 'argocd-values.yaml'), 'utf8')) as {
      configs: { cm: Record<string, string> };
    };
    expect(Object.keys(values.configs.cm).sort()).toEqual(KEYS);
    for (const key of KEYS) expect(values.configs.cm[key]).toBe(script);
  });
});
