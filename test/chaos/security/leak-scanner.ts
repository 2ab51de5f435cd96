// Finds secret values and issued tokens in what the operator produced (logs, Events, status,
// metrics, the bodies it sent to Azure). A finding names the needle by its label, the place by
// source and offset, and the spelling that matched; it never repeats the needle itself, so the
// report of a leak is not a leak.

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
  /** How the value was written where it was found ("as is", "base64", ...). */
  spelling: string;
  offset: number;
}

/** Shorter needles would match by chance; every value the suites plant is longer. */
export const MIN_NEEDLE_LENGTH = 12;

export interface Spelling {
  name: string;
  text: string;
}

/**
 * The ways a value can appear in text: as is; JSON-escaped, once (a log line, an object) or twice
 * (a JSON body quoted inside a log line); URL- or form-encoded (a query string, a token request);
 * base64 and base64url (an Authorization header dumped whole, a Secret's data, a JWT segment).
 * Base64 of a value inside a longer blob depends on where the value starts relative to the
 * 3-byte groups, so each of the three alignments is spelled, cut to the characters that depend on
 * the value alone. Spellings that coincide (an alphanumeric value is its own JSON) are kept once.
 */
export function spellings(value: string): Spelling[] {
  const json = JSON.stringify(value).slice(1, -1);
  const all: Spelling[] = [
    { name: 'as is', text: value },
    { name: 'JSON-escaped', text: json },
    { name: 'JSON-escaped twice', text: JSON.stringify(json).slice(1, -1) },
    { name: 'URL-encoded', text: encodeURIComponent(value) },
    { name: 'form-encoded', text: new URLSearchParams({ v: value }).toString().slice('v='.length) },
    ...base64Spellings(value),
  ];
  const seen = new Set<string>();
  return all.filter(({ text }) => !seen.has(text) && seen.add(text));
}

function base64Spellings(value: string): Spelling[] {
  const bytes = Buffer.from(value, 'utf8');
  return [0, 1, 2].flatMap((shift) => {
    const padded = Buffer.concat([Buffer.alloc(shift), bytes]);
    // Characters before `skip` carry bits of whatever precedes the value; characters past `end`
    // carry bits of whatever follows it.
    const skip = Math.ceil((shift * 4) / 3);
    const end = Math.floor(padded.length / 3) * 4;
    const core = padded.toString('base64').slice(skip, end);
    const where = shift === 0 ? '' : ` (offset ${shift})`;
    return [
      { name: `base64${where}`, text: core },
      { name: `base64url${where}`, text: core.replaceAll('+', '-').replaceAll('/', '_') },
    ];
  });
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

/** Every haystack a needle appears in, once per haystack (its first spelling found). */
export function scanForLeaks(needles: readonly Needle[], haystacks: readonly Haystack[]): Leak[] {
  const leaks: Leak[] = [];
  for (const needle of needles) {
    if (needle.value.length < MIN_NEEDLE_LENGTH) {
      throw new Error(`needle '${needle.label}' is shorter than ${MIN_NEEDLE_LENGTH} characters`);
    }
    const forms = spellings(needle.value);
    for (const { source, text } of haystacks) {
      for (const form of forms) {
        const offset = text.indexOf(form.text);
        if (offset >= 0) {
          leaks.push({ source, needle: needle.label, spelling: form.name, offset });
          break;
        }
      }
    }
  }
  return leaks;
}
