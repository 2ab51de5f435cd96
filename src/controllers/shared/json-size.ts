// How big a JSON document is, measured without recursion: a definition nested thousands of
// levels deep must be measured (and refused) before anything that recurses — deepFreeze,
// structuredClone, JSON.stringify — touches it, and Node's stack ends at a few thousand frames.
//
// Three figures, because bytes alone do not bound memory: 256 KiB of `{}` is 87,000 objects,
// about 5 MiB of V8 heap, while 256 KiB of ordinary actions is about 360 KiB.

export interface JsonSize {
  /** UTF-8 bytes of the compact JSON text (JSON.stringify's); for text, the text's own bytes. */
  bytes: number;
  /** Objects, arrays, strings, numbers, booleans and nulls; object keys are not counted. */
  values: number;
  /** Nesting of objects and arrays: a scalar is 0, `{}` is 1, `{"a":[]}` is 2. */
  depth: number;
}

/** Measures a value as JSON.stringify would write it (values from JSON.parse: no undefined, Date, toJSON). */
export function measureJson(root: unknown): JsonSize {
  const size: JsonSize = { bytes: 0, values: 0, depth: 0 };
  // An explicit stack of [value, depth of the container holding it].
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [value, outer] = stack.pop() as [unknown, number];
    size.values++;
    if (value === null || value === undefined) size.bytes += 4;
    else if (typeof value === 'string') size.bytes += jsonStringBytes(value);
    else if (typeof value === 'number') size.bytes += Number.isFinite(value) ? String(value).length : 4;
    else if (typeof value === 'boolean') size.bytes += value ? 4 : 5;
    else if (typeof value === 'object') {
      const depth = outer + 1;
      if (depth > size.depth) size.depth = depth;
      if (Array.isArray(value)) {
        size.bytes += 2 + Math.max(0, value.length - 1);
        for (const item of value) stack.push([item, depth]);
      } else {
        const entries = Object.entries(value).filter(([, item]) => item !== undefined);
        size.bytes += 2 + Math.max(0, entries.length - 1);
        for (const [key, item] of entries) {
          size.bytes += jsonStringBytes(key) + 1;
          stack.push([item, depth]);
        }
      }
    } else size.bytes += 4; // functions and symbols do not occur in parsed JSON; counted as null
  }
  return size;
}

/**
 * Measures JSON text without parsing it: its bytes as UTF-8, and the values and nesting a parse
 * would produce. Text that is not JSON gets some figures; JSON.parse rejects it afterwards.
 */
export function measureJsonText(text: string): JsonSize {
  let values = 0;
  let colons = 0;
  let depth = 0;
  let maxDepth = 0;
  let i = 0;
  const length = text.length;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      values++;
      i++;
      while (i < length) {
        const s = text.charCodeAt(i);
        if (s === 0x5c /* \ */) i += 2;
        else if (s === 0x22) break;
        else i++;
      }
      i++;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      values++;
      depth++;
      if (depth > maxDepth) maxDepth = depth;
      i++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
      i++;
    } else if (c === 0x3a /* : */) {
      colons++;
      i++;
    } else if (isScalarStart(c)) {
      // A number or true/false/null: one value, however long.
      values++;
      i++;
      while (i < length && isScalarPart(text.charCodeAt(i))) i++;
    } else i++;
  }
  // Every key is a string followed by a colon: take the keys back out of the strings counted.
  return { bytes: Buffer.byteLength(text, 'utf8'), values: values - colons, depth: maxDepth };
}

/** Bytes of JSON.stringify(value) for a string, quotes and escapes included, without building it. */
export function jsonStringBytes(value: string): number {
  let bytes = 2;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) bytes += 2;
    else if (c < 0x20) bytes += ESCAPED_CONTROLS.has(c) ? 2 : 6;
    else if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4; // a surrogate pair is one code point, four bytes of UTF-8
        i++;
      } else bytes += 6; // a lone surrogate is written as \udXXX
    } else if (c >= 0xdc00 && c <= 0xdfff) bytes += 6;
    else bytes += 3;
  }
  return bytes;
}

/** \b \t \n \f \r: the control characters JSON writes with a two-character escape. */
const ESCAPED_CONTROLS = new Set([0x08, 0x09, 0x0a, 0x0c, 0x0d]);

function isScalarStart(c: number): boolean {
  return c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e; // t f n
}

function isScalarPart(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x61 && c <= 0x7a) || // letters of true/false/null, and e of an exponent
    c === 0x45 /* E */ ||
    c === 0x2e /* . */ ||
    c === 0x2b /* + */ ||
    c === 0x2d /* - */
  );
}
