// The tests' one seeded random generator: the emulator's (mulberry32), so a failing draw replays
// from its seed and tests and faults share one implementation. The emulator package owns it
// because the emulator ships without test/.
export { seededRandom } from '@logicops/azure-emulator';
