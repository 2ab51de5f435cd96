// Values many readers share without copying: frozen all the way down, so a reader that tries to
// change one throws (ESM code is strict) instead of changing it for every other reader, and
// typed read-only so the compiler catches the attempt first. The informer caches and the
// binding controller's shared vault reads both freeze with it.

export type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends readonly (infer E)[]
    ? readonly DeepReadonly<E>[]
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

/**
 * Replaces a string property's value before the object holding it is frozen: with an equal
 * string (the object store's shared copy), so nothing observable changes.
 */
export type ShareString = (key: string, value: string) => string;

/**
 * Freezes `value` and everything it holds, in place; frozen parts are not walked again (they
 * were before, or are not ours to change). With `share`, each string property is first replaced
 * by what it returns.
 */
export function deepFreeze<T>(value: T, share?: ShareString): DeepReadonly<T> {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const child = record[key];
      // Reflect.set: a read-only property keeps its own copy instead of throwing.
      if (typeof child === 'string') {
        if (share) Reflect.set(record, key, share(key, child));
      } else deepFreeze(child, share);
    }
    Object.freeze(value);
  }
  return value as DeepReadonly<T>;
}
