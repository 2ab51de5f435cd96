// The owner tag's value within Azure's 256-character limit on tag values (Microsoft Learn, "Use
// tags to organize your Azure resources and management hierarchy", Limitations: "the tag value
// has a limit of 256 characters").
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../../src/config.ts';
import {
  MAX_CLUSTER_ID_LENGTH,
  MAX_TAG_VALUE_LENGTH,
  ownershipOf,
  ownerValue,
} from '../../../../src/controllers/shared/owner-tag.ts';
import { OWNER_TAG } from '../../../../src/vocabulary.ts';

const UID = '0f5c2a8e-3b1d-4e59-9a7c-2d4b6e8f1a3c';
const NAMESPACE = 'n'.repeat(63);
const LONGEST_NAME = `a${'.b'.repeat(126)}`;

describe('ownerValue', () => {
  it('is <cluster-id>/<namespace>/<name> while that fits a tag value', () => {
    expect(ownerValue(UID, 'team-a', 'partner')).toBe(`${UID}/team-a/partner`);
    const name = 'x'.repeat(MAX_TAG_VALUE_LENGTH - `${UID}/team-a/`.length);
    expect(ownerValue(UID, 'team-a', name)).toBe(`${UID}/team-a/${name}`);
    expect(ownerValue(UID, 'team-a', name)).toHaveLength(MAX_TAG_VALUE_LENGTH);
  });

  it('replaces the name by its SHA-256 once the plain value would pass 256 characters', () => {
    expect(LONGEST_NAME).toHaveLength(253);
    expect(`${UID}/${NAMESPACE}/${LONGEST_NAME}`).toHaveLength(354);
    const value = ownerValue(UID, NAMESPACE, LONGEST_NAME);
    const digest = createHash('sha256').update(LONGEST_NAME).digest('hex');
    expect(value).toBe(`${UID}/${NAMESPACE}/sha256:${digest}`);
    expect(value.length).toBeLessThanOrEqual(MAX_TAG_VALUE_LENGTH);
    const oneOver = 'x'.repeat(MAX_TAG_VALUE_LENGTH + 1 - `${UID}/team-a/`.length);
    expect(ownerValue(UID, 'team-a', oneOver)).toMatch(/^[^/]+\/team-a\/sha256:[0-9a-f]{64}$/);
  });

  it('is deterministic, and different for different long names, namespaces and clusters', () => {
    const other = `b${'.b'.repeat(126)}`;
    expect(ownerValue(UID, NAMESPACE, LONGEST_NAME)).toBe(ownerValue(UID, NAMESPACE, LONGEST_NAME));
    const values = new Set([
      ownerValue(UID, NAMESPACE, LONGEST_NAME),
      ownerValue(UID, NAMESPACE, other),
      ownerValue(UID, 'm'.repeat(63), LONGEST_NAME),
      ownerValue('another-cluster', NAMESPACE, LONGEST_NAME),
    ]);
    expect(values.size).toBe(4);
  });

  it('fits whatever the namespace and name with the longest cluster id the configuration accepts', () => {
    const clusterId = 'c'.repeat(MAX_CLUSTER_ID_LENGTH);
    expect(ownerValue(clusterId, NAMESPACE, LONGEST_NAME).length).toBeLessThanOrEqual(MAX_TAG_VALUE_LENGTH);
  });

  it('is what ownership checks accept, and nothing else', () => {
    const mine = ownerValue(UID, NAMESPACE, LONGEST_NAME);
    expect(ownershipOf({ [OWNER_TAG]: mine }, mine)).toBe('ours');
    // The plain form of the same object, or its value cut at 256, is someone else's tag.
    expect(ownershipOf({ [OWNER_TAG]: `${UID}/${NAMESPACE}/${LONGEST_NAME}` }, mine)).toBe('foreign');
    expect(ownershipOf({ [OWNER_TAG]: `${UID}/${NAMESPACE}/${LONGEST_NAME}`.slice(0, 256) }, mine)).toBe(
      'foreign',
    );
  });
});

describe('--cluster-id', () => {
  const env = { AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 'x' };

  it(`is accepted up to ${MAX_CLUSTER_ID_LENGTH} characters and refused beyond, saying why`, () => {
    const longest = 'c'.repeat(MAX_CLUSTER_ID_LENGTH);
    expect(loadConfig(['--cluster-id', longest], env).clusterId).toBe(longest);
    expect(() => loadConfig(['--cluster-id', `${longest}c`], env)).toThrow(ConfigError);
    expect(() => loadConfig(['--cluster-id', `${longest}c`], env)).toThrow(/owner tag/);
  });
});
