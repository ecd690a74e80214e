import { Optional } from '@marcbachmann/cel-js';

/**
 * How CEL values look in JavaScript under `@marcbachmann/cel-js`: int is `bigint`, double is
 * `number`, bytes `Uint8Array`, timestamp `Date`, maps plain objects or `Map`s. uint and duration
 * are classes the library does not export, recognised by name.
 */
export type CelValue = unknown;

export function isUint(value: unknown): value is { value: bigint } {
  return typeof value === 'object' && value !== null && value.constructor?.name === 'UnsignedInt';
}

export function isDuration(value: unknown): value is { seconds: bigint; nanos: number } {
  return typeof value === 'object' && value !== null && value.constructor?.name === 'Duration';
}

export function isCelType(value: unknown): boolean {
  return typeof value === 'object' && value !== null && value.constructor?.name === 'Type';
}

/** A map value's entries, whether the library gave a `Map` or a plain object. */
export function mapEntries(value: object): [unknown, unknown][] {
  if (value instanceof Map) return [...value.entries()];
  return Object.entries(value);
}

export function isCelMap(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  if (value instanceof Map) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function numericValue(value: unknown): number | bigint | undefined {
  if (typeof value === 'bigint' || typeof value === 'number') return value;
  if (isUint(value)) return value.value;
  return undefined;
}

/** CEL's `==` on values, numbers compared across int, uint and double as cel-go does with `CrossTypeNumericComparisons`. */
export function celEquals(a: unknown, b: unknown): boolean {
  const na = numericValue(a);
  const nb = numericValue(b);
  if (na !== undefined || nb !== undefined) {
    if (na === undefined || nb === undefined) return false;
    if (typeof na === 'number' || typeof nb === 'number') return Number(na) === Number(nb);
    return na === nb;
  }
  if (a === b) return true;
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return a.length === b.length && a.every((byte, index) => byte === b[index]);
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (isDuration(a) && isDuration(b)) return a.seconds === b.seconds && a.nanos === b.nanos;
  if (a instanceof Optional && b instanceof Optional) {
    if (!a.hasValue() || !b.hasValue()) return a.hasValue() === b.hasValue();
    return celEquals(a.value(), b.value());
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => celEquals(item, b[index]));
  }
  if (isCelMap(a) && isCelMap(b)) {
    const left = mapEntries(a);
    const right = mapEntries(b);
    if (left.length !== right.length) return false;
    return left.every(([key, value]) => right.some(([k, v]) => celEquals(key, k) && celEquals(value, v)));
  }
  return false;
}

/** CEL's zero value test (`optional.ofNonZeroValue`). */
export function isZeroValue(value: unknown): boolean {
  if (
    value === null ||
    value === undefined ||
    value === false ||
    value === '' ||
    value === 0 ||
    value === 0n
  ) {
    return true;
  }
  if (isUint(value)) return value.value === 0n;
  if (isDuration(value)) return value.seconds === 0n && value.nanos === 0;
  if (value instanceof Date) return value.getTime() === 0;
  if (value instanceof Uint8Array || Array.isArray(value)) return value.length === 0;
  if (value instanceof Optional) return !value.hasValue();
  if (isCelMap(value)) return mapEntries(value).length === 0;
  return false;
}
