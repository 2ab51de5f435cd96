// Finds secret values and issued tokens in what the operator produced (logs, Events, status,
// metrics). A finding names the needle by its label and the place by source and offset; it
// never repeats the needle itself, so the report of a leak is not a leak.

export interface Needle {
  /** What the value is ("secret kv-1/s0", "token #12"): safe to print. */
  label: string;
  value: string;
}

export interface Haystack {
  source: string;
  text: string;
}

export interface Leak {
  source: string;
  needle: string;
  offset: number;
}

/** Shorter needles would match by chance; every value the suites plant is longer. */
export const MIN_NEEDLE_LENGTH = 12;

/**
 * The ways a value can appear in text: as is, JSON-escaped (inside a log line or an object),
 * and base64 (an Authorization header dumped whole or a Secret's data).
 */
function spellings(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const base64 = Buffer.from(value, 'utf8').toString('base64').replace(/=+$/, '');
  return [...new Set([value, json, base64])];
}

/** A JWT, and its signature on its own: a log that cuts a token's header off still leaks it. */
export function tokenNeedles(label: string, token: string): Needle[] {
  const signature = token.split('.')[2];
  return [
    { label, value: token },
    ...(signature && signature.length >= MIN_NEEDLE_LENGTH
      ? [{ label: `${label} (signature)`, value: signature }]
      : []),
  ];
}

export function scanForLeaks(needles: readonly Needle[], haystacks: readonly Haystack[]): Leak[] {
  const leaks: Leak[] = [];
  for (const needle of needles) {
    if (needle.value.length < MIN_NEEDLE_LENGTH) {
      throw new Error(`needle '${needle.label}' is shorter than ${MIN_NEEDLE_LENGTH} characters`);
    }
    const forms = spellings(needle.value);
    for (const { source, text } of haystacks) {
      for (const form of forms) {
        const offset = text.indexOf(form);
        if (offset >= 0) {
          leaks.push({ source, needle: needle.label, offset });
          break;
        }
      }
    }
  }
  return leaks;
}
