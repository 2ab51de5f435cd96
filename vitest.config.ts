import { defineConfig } from 'vitest/config';

// The tiers, one `vitest run` (the workspace packages' tests run in the tier they belong to):
// - unit: pure functions and steps, no processes, no network (packages/control-plane and
//   packages/tiny-ca included);
// - emulator: the Azure emulator over HTTPS, driven by the real @azure SDK clients: its own tests
//   (packages/azure-emulator/test) and the operator's Azure layer against it (test/emulator);
// - integration: a real kube-apiserver + etcd (one per run, started by the global setup);
// - chaos: kill -9, Azure and Kubernetes faults, failover, bad input and leak scans against the
//   operator as a separate process (small in CI; LOGICOPS_CHAOS_SCALE=full for the sizes).
export default defineConfig({
  test: {
    // Stopping kube-apiserver and etcd must finish before vitest exits, or the watchdog has to reap them.
    teardownTimeout: 60_000,
    projects: [
      {
        test: {
          name: 'unit',
          // test/support: the test kit's own tests (the strict fake API server).
          include: [
            'test/unit/**/*.test.ts',
            'test/support/**/*.test.ts',
            'packages/control-plane/test/**/*.test.ts',
            'packages/tiny-ca/test/**/*.test.ts',
          ],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'emulator',
          include: ['packages/azure-emulator/test/**/*.test.ts', 'test/emulator/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          // The contract check: every body to and from the emulator against the REST spec schemas.
          globalSetup: ['packages/azure-emulator/contract/global-setup.ts'],
          setupFiles: ['packages/azure-emulator/contract/setup.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: [
            'test/integration/global-setup.ts',
            'packages/azure-emulator/contract/global-setup.ts',
          ],
          setupFiles: ['packages/azure-emulator/contract/setup.ts'],
          // A first build of the control-plane binaries happens in the global setup, not here.
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Two cores: files run one at a time so timing-sensitive watch tests stay stable.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'chaos',
          include: ['test/chaos/**/*.chaos.ts'],
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts', 'test/chaos/global-setup.ts'],
          testTimeout: 1_800_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
