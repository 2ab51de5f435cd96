// Public surface of the Azure emulator (@logicops/azure-emulator) for tests, the dev mode, the samples
// and the bench.

export {
  type CatalogApi,
  type CatalogParameter,
  type CatalogParameterSet,
  MANAGED_API_CATALOG,
} from './arm/managed-apis-catalog.ts';
export { BUILT_IN_ROLES } from './arm/role-assignments.ts';
export { BUILT_IN_ROLE_PERMISSIONS, type RolePermission } from './arm/role-definitions.ts';
// Azure's rules as the emulator models them, for tests that need the same answer without a server.
export { validateWorkflow } from './arm/workflow-definition.ts';
export { endpointsConfiguration, regionEndpoints } from './arm/workflow-endpoints.ts';
export { propertiesAsReturned } from './arm/workflow-read-back.ts';
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
export { type Random, seededRandom } from './faults/prng.ts';
export type { PermissionCasing } from './permission-casing.ts';
export type { EmulatorResponse, Middleware, OperationKind, RequestContext } from './pipeline.ts';
export type { EmulatorSeed, SeedApplication, SeedVault, SeedWorkflow } from './seed.ts';
export { type Emulator, type StartEmulatorOptions, startEmulator } from './server.ts';
export type { EmulatorState, WorkflowRecord } from './state.ts';
export type { Counters, FaultCounters, RequestLogEntry } from './telemetry.ts';
