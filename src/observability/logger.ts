// The operator's one logger factory. Loggers are passed in (never imported as a module
// singleton) so tests can hand in a silent or capturing one without mocking modules.
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger };

// Secret values must never reach logs (docs/design.md guarantee 9). pino's redaction works on
// paths, so we list the names secrets travel under, at the top level and one level down.
const SECRET_FIELD_NAMES = [
  'password',
  'secret',
  'secretValue',
  'clientSecret',
  'token',
  'accessToken',
  'refreshToken',
  'apiKey',
  'authorization',
  'Authorization',
  'cookie',
  'privateKey',
];

export const REDACTED_PATHS: readonly string[] = [
  ...SECRET_FIELD_NAMES,
  ...SECRET_FIELD_NAMES.map((name) => `*.${name}`),
  'headers.authorization',
  'headers["api-key"]',
  '*.headers.authorization',
];

export interface LoggerSettings {
  level?: string;
  /** Where lines go; stdout when omitted. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

export function createLogger(settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    name: 'logicops',
    level: settings.level ?? 'info',
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
  };
  return settings.destination ? pino(options, settings.destination) : pino(options);
}

/** A logger that writes nothing: the default in unit tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
