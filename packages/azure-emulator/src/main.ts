// `npm run emulator -- --port <p> [--state <file>] [--seed demo|none|<file.json>] [--host <name>] [--faults <file.json>] [--capture-request-bodies]`
// Starts the emulator and prints one JSON line with its endpoints, CA path, tenant and
// subscription, then runs until SIGINT/SIGTERM.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseFaultConfig } from './faults/config.ts';
import type { EmulatorSeed } from './seed.ts';
import { startEmulator } from './server.ts';

const USAGE =
  'usage: npm run emulator -- --port <p> [--state <file>] [--seed demo|none|<file.json>] [--host <name>] [--ca-cert <file>] [--faults <file.json>] [--capture-request-bodies]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      state: { type: 'string' },
      seed: { type: 'string', default: 'demo' },
      host: { type: 'string', default: 'localhost' },
      'listen-host': { type: 'string', default: '127.0.0.1' },
      'ca-cert': { type: 'string' },
      faults: { type: 'string' },
      'capture-request-bodies': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number.parseInt(values.port, 10);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535. ${USAGE}`);
  const seed: EmulatorSeed | 'demo' | undefined =
    values.seed === 'demo'
      ? 'demo'
      : values.seed === 'none'
        ? undefined
        : (JSON.parse(readFileSync(values.seed, 'utf8')) as EmulatorSeed);

  // Validated here so a typo in the file stops the start with a clear message.
  const faults = values.faults
    ? parseFaultConfig(JSON.parse(readFileSync(values.faults, 'utf8')))
    : undefined;
  const emulator = await startEmulator({
    port,
    hostname: values.host,
    listenHost: values['listen-host'],
    ...(values.state ? { stateFile: values.state } : {}),
    ...(values['ca-cert'] ? { caCertPath: values['ca-cert'] } : {}),
    ...(seed ? { seed } : {}),
    ...(faults ? { faults } : {}),
    ...(values['capture-request-bodies'] ? { captureRequestBodies: true } : {}),
  });
  process.stdout.write(
    `${JSON.stringify({
      armEndpoint: emulator.armEndpoint,
      authorityHost: emulator.authorityHost,
      managedIdentityEndpoint: emulator.managedIdentityEndpoint,
      adminEndpoint: emulator.adminEndpoint,
      caCertPath: emulator.caCertPath,
      tenantId: emulator.tenantId,
      subscriptionId: emulator.subscriptionId,
      operatorClientId: emulator.operatorClientId,
      port: emulator.port,
      pid: process.pid,
    })}\n`,
  );
  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`emulator failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
