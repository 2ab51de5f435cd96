// Public surface of the control-plane harness (@logicops/control-plane) for the tests, the bench
// and `npm run dev`.
export { BinariesUnavailableError, type ControlPlaneBinaries, resolveBinaries } from './binaries.ts';
export { ControlPlane, type ControlPlaneOptions } from './control-plane.ts';
export { freePort } from './ports.ts';
