// Reads vitest's JSON report and fails when a tier ran no test or anything was
// skipped or failed: CI must never pass on a silently empty integration tier.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// Where each tier's test files live (vitest.config.ts `include`): test/<tier>/, and the workspace
// packages' tests in the tier that runs them.
const TIER_FOLDERS = {
  unit: ['test/unit', 'packages/control-plane/test', 'packages/tiny-ca/test'],
  emulator: ['test/emulator', 'packages/azure-emulator/test'],
  integration: ['test/integration'],
  chaos: ['test/chaos'],
};
const tierOf = (file) => {
  const relative = path.relative(process.cwd(), file).split(path.sep).join('/');
  return Object.keys(TIER_FOLDERS).find((tier) =>
    TIER_FOLDERS[tier].some((folder) => relative.startsWith(`${folder}/`)),
  );
};

// A tier is expected to run tests when one of its folders holds test files.
const hasTestFiles = (dir) =>
  readdirSync(dir, { recursive: true }).some((file) => /\.(test|chaos)\.ts$/.test(String(file)));

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const tiers = { unit: 0, emulator: 0, integration: 0, chaos: 0 };
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of report.testResults) {
  const tier = tierOf(file.name);
  for (const test of file.assertionResults) {
    if (test.status === 'passed') {
      passed++;
      if (tier) tiers[tier]++;
    } else if (test.status === 'failed') failed++;
    else skipped++;
  }
}
console.log(`tests passed per tier: ${JSON.stringify(tiers)}`);
const problems = [];
for (const [tier, count] of Object.entries(tiers)) {
  let expected = false;
  for (const folder of TIER_FOLDERS[tier]) {
    try {
      expected ||= hasTestFiles(folder);
    } catch {
      // no folder: the tier does not exist yet
    }
  }
  if (expected && count === 0) problems.push(`the ${tier} tier has test files but ran no test`);
}
if (skipped > 0) problems.push(`${skipped} tests were skipped or pending`);
if (report.numFailedTestSuites > 0) problems.push(`${report.numFailedTestSuites} test files failed to run`);
for (const problem of problems) console.log(`FAIL: ${problem}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(problems.length > 0 || failed > 0 ? 1 : 0);
