// Public surface of the Azure emulator for tests, the dev mode, the samples and the bench.

export type { PermissionCasing } from './arm/access-policies.ts';
export { BUILT_IN_ROLES } from './arm/role-assignments.ts';
export type {
  CapturedRequestBodies,
  CapturedRequestBody,
  RequestBodyCaptureOptions,
} from './body-capture.ts';
export * from './demo.ts';
export type { Exchange, ExchangeObserver } from './exchange-observer.ts';
export { observeEveryEmulator } from './exchange-observer.ts';
export type {
  AfterCommitFault,
  AfterCommitRule,
  ErrorInjectionRule,
  FaultConfig,
  LatencyClass,
  LatencyDistribution,
  OutageWindow,
} from './faults/config.ts';
export { ENTRA_THROTTLE_RETRY_AFTER_SECONDS, entraThrottling } from './faults/entra-throttling.ts';
export type { HeldResponse, ReleaseAnswer } from './faults/held-responses.ts';
export type { EmulatorResponse, Middleware, OperationKind, RequestContext } from './pipeline.ts';
export type { EmulatorSeed, SeedApplication, SeedVault, SeedWorkflow } from './seed.ts';
export { type Emulator, type StartEmulatorOptions, startEmulator } from './server.ts';
export type { EmulatorState } from './state.ts';
export type { Counters, FaultCounters, RequestLogEntry } from './telemetry.ts';
