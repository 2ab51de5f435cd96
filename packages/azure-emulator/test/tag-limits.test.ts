// ARM's tag limits on every write, through the real SDK clients. Source: Microsoft Learn, "Use
// tags to organize your Azure resources and management hierarchy", Limitations
// (learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations,
// ms.date 2025-02-06): "Each resource, resource group, and subscription can have a maximum of 50
// tag name-value pairs", "The tag name has a limit of 512 characters and the tag value has a limit
// of 256 characters", "Tag names can't contain these characters: <, >, %, &, \, ?, /". The code
// InvalidTagNameCharacters is ARM's own (Microsoft Learn, "Write Azure CLI commands for both Bash
// and PowerShell", shows it); InvalidTags, InvalidTagName and InvalidTagValueLength are the codes
// Azure PowerShell (Az.Migrate) uses for the same rules: inferred (packages/azure-emulator/src/arm/tags.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RESOURCE_GROUP } from '../src/index.ts';
import { armError, DEFINITION, type Harness, startHarness } from './support/harness.ts';

const RG = DEMO_RESOURCE_GROUP;
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.emu.close();
});

const putWorkflow = (name: string, tags: Record<string, string>) =>
  h.logic.workflows.createOrUpdate(RG, name, { location: 'westeurope', tags, definition: DEFINITION });

const manyTags = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`tag-${i}`, `value-${i}`]));

describe('tags at their limits are accepted', () => {
  it('50 tags, a 512-character name and a 256-character value', async () => {
    const tags = { ...manyTags(48), ['n'.repeat(512)]: 'v', long: 'v'.repeat(256) };
    expect(Object.keys(tags)).toHaveLength(50);
    const created = await putWorkflow('tags-at-limits', tags);
    expect(created.tags).toEqual(tags);
  });

  it("a '/' in a value (the owner tag's <cluster>/<namespace>/<name>), and ':' '#' '=' in names", async () => {
    const tags = { 'logicops-owner': 'cluster/ns/name', 'a:b#c=d': 'x' };
    expect((await putWorkflow('tags-allowed-characters', tags)).tags).toEqual(tags);
  });
});

describe('tags past the limits are refused, and nothing is written', () => {
  const refused: Array<[string, Record<string, string>, string]> = [
    ['51 tags', manyTags(51), 'InvalidTags'],
    ['a 513-character name', { ['n'.repeat(513)]: 'v' }, 'InvalidTagName'],
    ['a 257-character value', { long: 'v'.repeat(257) }, 'InvalidTagValueLength'],
    ['an empty name', { '': 'v' }, 'InvalidTagName'],
    ['a control character in a name', { 'a\tb': 'v' }, 'InvalidTagNameCharacters'],
    ...['<', '>', '%', '&', '\\', '?', '/'].map((c): [string, Record<string, string>, string] => [
      `'${c}' in a name`,
      { [`a${c}b`]: 'v' },
      'InvalidTagNameCharacters',
    ]),
  ];
  it.each(refused)('%s: 400 %s', async (_what, tags, code) => {
    const name = `tags-refused-${Math.random().toString(36).slice(2, 8)}`;
    await expect(putWorkflow(name, tags)).rejects.toMatchObject(armError(400, code));
    await expect(h.logic.workflows.get(RG, name)).rejects.toMatchObject(armError(404, 'ResourceNotFound'));
  });

  it('names the offending tag names in the message', async () => {
    await expect(putWorkflow('tags-message', { 'team/a': 'x', ok: 'y' })).rejects.toThrow(
      "The tag names 'team/a' have reserved characters '<,>,%,&,\\,?,/' or control characters.",
    );
  });

  it('applies to every resource type ARM writes, not only workflows', async () => {
    await expect(
      h.msi.userAssignedIdentities.createOrUpdate(RG, 'uami-bad-tags', {
        location: 'westeurope',
        tags: { 'a?b': 'x' },
      }),
    ).rejects.toMatchObject(armError(400, 'InvalidTagNameCharacters'));
  });
});
