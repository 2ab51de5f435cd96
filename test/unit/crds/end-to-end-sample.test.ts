// The end-to-end sample tells the story docs/design.md promises; these checks keep it honest as it
// is edited: the binding feeds a parameter the workflow declares, the vault call uses the
// managed identity with the exact Key Vault audience, and no credential is written anywhere.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { LogicAppWorkflow, VaultSecretBinding } from '../../../src/crds/index.ts';

const file = new URL('../../../config/samples/end-to-end/partner-api-workflow.yaml', import.meta.url);

async function load(): Promise<{ workflow: LogicAppWorkflow; binding: VaultSecretBinding; text: string }> {
  const text = await readFile(file, 'utf8');
  const docs = parseAllDocuments(text).map((d) => d.toJS());
  const workflow = docs.find((d) => d.kind === 'LogicAppWorkflow') as LogicAppWorkflow;
  const binding = docs.find((d) => d.kind === 'VaultSecretBinding') as VaultSecretBinding;
  return { workflow, binding, text };
}

type Action = { type: string; inputs?: Record<string, unknown>; runAfter?: Record<string, unknown> };

describe('end-to-end sample', () => {
  it('binds the workflow it ships with and feeds a declared String parameter', async () => {
    const { workflow, binding } = await load();
    expect(binding.spec.workflowRef.name).toBe(workflow.metadata.name);
    const declared = (workflow.spec.definition?.parameters ?? {}) as Record<string, { type: string }>;
    expect(binding.spec.parameterName).toBeDefined();
    expect(declared[binding.spec.parameterName ?? '']?.type).toBe('String');
    // The operator fills the parameter; the sample must not also set it.
    expect(Object.keys(workflow.spec.parameters ?? {})).not.toContain(binding.spec.parameterName);
  });

  it('runs on a schedule, reads the key with the managed identity, and sends it as Api-key', async () => {
    const { workflow, binding } = await load();
    const definition = workflow.spec.definition as {
      triggers: Record<string, Action>;
      actions: Record<string, Action>;
    };
    expect(Object.values(definition.triggers).map((t) => t.type)).toEqual(['Recurrence']);

    const actions = Object.entries(definition.actions);
    const vaultReads = actions.filter(([, a]) =>
      String(a.inputs?.uri).includes(binding.spec.parameterName ?? '?'),
    );
    expect(vaultReads).toHaveLength(1);
    const [readName, read] = vaultReads[0]!;
    expect(read.inputs?.authentication).toEqual({
      type: 'ManagedServiceIdentity',
      audience: 'https://vault.azure.net',
    });

    const partnerCall = actions.find(([, a]) => a.type === 'Http' && a.inputs?.headers);
    const headers = (partnerCall?.[1].inputs?.headers ?? {}) as Record<string, string>;
    const apiKey = headers['Api-key'];
    // The header is an expression over the vault read (directly or through Parse_JSON), never a literal.
    expect(apiKey).toMatch(/^@/);
    const parse = actions.find(([, a]) => a.type === 'ParseJson');
    expect(String(parse?.[1].inputs?.content)).toContain(`body('${readName}')`);
    expect(apiKey).toContain(`body('${parse?.[0]}')`);
  });

  it('contains no credential and leaves secure run history to its default (on)', async () => {
    const { workflow, text } = await load();
    expect(workflow.spec.secureRunHistory).toBeUndefined();
    expect(text).not.toMatch(/password|clientSecret|client_secret|sig=|SharedAccessKey/i);
    expect(text).not.toMatch(/https:\/\/[a-z0-9-]+\.vault\.azure\.net/);
  });
});
