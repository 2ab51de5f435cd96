// The in-process Azure emulator for a chaos suite, with one extra pipeline stage that keeps every
// access token it hands out (the leak scan looks for exactly those strings) and the request body
// capture on (the leak scan reads every body the operator sent).

import type { EmulatorState } from '@logicops/azure-emulator';
import { type Emulator, type EmulatorSeed, type FaultConfig, startEmulator } from '@logicops/azure-emulator';
import { type Needle, tokenNeedles } from '../security/leak-scanner.ts';

export interface ChaosAzure {
  emulator: Emulator;
  /** The state before the suite created anything: what logicops must leave as it was. */
  baseline: EmulatorState;
  /**
   * Every credential and secret the emulator holds or handed out so far: tokens issued, every
   * app registration's client secrets (the operator's included), every version of every secret
   * value in its vaults (seeded or written later).
   */
  credentialNeedles(): Needle[];
  close(): Promise<void>;
}

/**
 * The emulator's clock runs ahead of the wall clock by `seedAgeMs` once the seed is in, so the
 * seeded directory (the operator's own app registration included) is that much older than
 * anything created afterwards. With replication lag on, this keeps the lag where the suites
 * aim it — at the principals the operator creates — instead of at the operator's own credential
 * for the first seconds of the run (see docs/reliability.md, finding on AADSTS700016).
 */
export async function startChaosAzure(
  seed: EmulatorSeed,
  faults?: FaultConfig,
  seedAgeMs = 0,
): Promise<ChaosAzure> {
  let shift = 0;
  const emulator = await startEmulator({
    seed,
    now: () => Date.now() + shift,
    captureRequestBodies: true,
    ...(faults ? { faults } : {}),
  });
  shift = seedAgeMs;
  const tokens = new Set<string>();
  emulator.use(async (ctx, next) => {
    const response = await next();
    if (ctx.match.route.kind === 'token' && response.body && typeof response.body === 'object') {
      const token = (response.body as { access_token?: unknown }).access_token;
      if (typeof token === 'string') tokens.add(token);
    }
    return response;
  });
  return {
    emulator,
    baseline: structuredClone(emulator.state),
    credentialNeedles: () => [
      ...Object.values(emulator.state.applications).flatMap((app) =>
        app.clientSecrets.map((value, i) => ({
          label: `client secret #${i + 1} of app ${app.displayName} (${app.clientId})`,
          value,
        })),
      ),
      ...Object.values(emulator.state.vaults).flatMap((vault) =>
        Object.values(vault.secrets).flatMap((secret) =>
          secret.versions.map((version) => ({
            label: `secret ${vault.name}/${secret.name}/${version.version}`,
            value: version.value,
          })),
        ),
      ),
      ...[...tokens].flatMap((token, i) => tokenNeedles(`issued token #${i + 1}`, token)),
    ],
    close: () => emulator.close(),
  };
}

/** Write-class ARM requests (PUT/PATCH, POST actions, DELETE), failed attempts included. */
export function armWrites(emulator: Emulator): number {
  const c = emulator.counters();
  return c.writes + c.actions + c.deletes;
}
