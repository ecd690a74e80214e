/**
 * Sets `record[key] = value` as an own, enumerable entry, also for the key `__proto__`: a plain
 * assignment would try to set the prototype instead, and lose a metadata key or header name
 * that a sender may use.
 */
export function setEntry<Value>(record: Record<string, Value>, key: string, value: Value): void {
  if (key === '__proto__') {
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    record[key] = value;
  }
}
