import { Optional } from '@marcbachmann/cel-js';
import { isCelMap, isCelType, isDuration, isUint, mapEntries } from './cel-values.js';

/**
 * `string.format(list)` of cel-go's strings extension (version 4 and later): `%s`, `%d`, `%f`,
 * `%e` (with `.N` precision, default 6), `%b`, `%o`, `%x`, `%X` and `%%`, with cel-go's rendering
 * of each value type and its error messages.
 */
export function formatString(format: string, args: readonly unknown[]): string {
  let out = '';
  let argIndex = 0;
  let i = 0;
  while (i < format.length) {
    const char = format[i];
    if (char !== '%') {
      out += char;
      i++;
      continue;
    }
    if (format[i + 1] === '%') {
      out += '%';
      i += 2;
      continue;
    }
    if (i + 1 >= format.length) throw new Error('unexpected end of string');
    if (argIndex >= args.length) throw new Error(`index ${argIndex} out of range`);
    i++;
    let precision = DEFAULT_PRECISION;
    if (format[i] === '.') {
      let digits = '';
      i++;
      while (i < format.length && /[0-9]/.test(format[i] as string)) digits += format[i++];
      if (i >= format.length) {
        throw new Error(
          'could not parse formatting clause: error while parsing precision: could not find end of precision specifier',
        );
      }
      precision = Number.parseInt(digits === '' ? 'NaN' : digits, 10);
      if (Number.isNaN(precision)) {
        throw new Error(
          'could not parse formatting clause: error while parsing precision: invalid precision',
        );
      }
    }
    const verb = format[i] as string;
    i++;
    const clause = CLAUSES[verb];
    if (!clause)
      throw new Error(`could not parse formatting clause: unrecognized formatting clause "${verb}"`);
    out += clause(args[argIndex], precision);
    argIndex++;
  }
  return out;
}

const DEFAULT_PRECISION = 6;

type Clause = (value: unknown, precision: number) => string;

const CLAUSES: Record<string, Clause> = {
  s: (value) => formatValue(value),
  d: (value) => {
    if (typeof value === 'bigint') return value.toString();
    if (isUint(value)) return value.value.toString();
    if (typeof value === 'number') return special(value) ?? plainDecimal(value);
    throw formattingError(
      `decimal clause can only be used on ints, uints, and doubles, was given ${typeName(value)}`,
    );
  },
  f: (value, precision) => {
    const number = numberOf(value, 'fixed-point');
    return special(number) ?? number.toFixed(precision);
  },
  e: (value, precision) => {
    const number = numberOf(value, 'scientific');
    return special(number) ?? number.toExponential(precision).replace(/e([+-])(\d)$/, 'e$10$2');
  },
  b: (value) => {
    if (typeof value === 'boolean') return value ? '1' : '0';
    if (typeof value === 'bigint') return value.toString(2);
    if (isUint(value)) return value.value.toString(2);
    throw formattingError(
      `only ints, uints, and bools can be formatted as binary, was given ${typeName(value)}`,
    );
  },
  o: (value) => {
    if (typeof value === 'bigint') return value.toString(8);
    if (isUint(value)) return value.value.toString(8);
    throw formattingError(`octal clause can only be used on ints and uints, was given ${typeName(value)}`);
  },
  x: (value) => hex(value),
  X: (value) => hex(value).toUpperCase(),
};

function formattingError(message: string): Error {
  return new Error(`error during formatting: ${message}`);
}

function numberOf(value: unknown, clause: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (isUint(value)) return Number(value.value);
  throw formattingError(
    `${clause} clause can only be used on ints, uints, and doubles, was given ${typeName(value)}`,
  );
}

function hex(value: unknown): string {
  if (typeof value === 'bigint') return value.toString(16);
  if (isUint(value)) return value.value.toString(16);
  if (typeof value === 'string') return Buffer.from(value, 'utf8').toString('hex');
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  throw formattingError(
    `only ints, uints, bytes, and strings can be formatted as hex, was given ${typeName(value)}`,
  );
}

function special(value: number): string | undefined {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return undefined;
}

/** Go's `strconv.FormatFloat(v, 'f', -1, 64)`: the shortest digits that round-trip, never an exponent. */
export function plainDecimal(value: number): string {
  const text = String(value);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, lead, fraction = '', exponentText] = match;
  const digits = `${lead}${fraction}`;
  const exponent = Number(exponentText);
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const pointAt = 1 + exponent;
  return pointAt >= digits.length
    ? `${sign}${digits}${'0'.repeat(pointAt - digits.length)}`
    : `${sign}${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}

/** The `%s` rendering of any value, nested lists and maps included (map entries sorted by key). */
function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return special(value) ?? plainDecimal(value);
  if (value === null || value === undefined) return 'null';
  if (isUint(value)) return value.value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (value instanceof Date) return goRfc3339Nano(value);
  if (isDuration(value)) return `${plainDecimal(Number(value.seconds) + value.nanos / 1e9)}s`;
  if (isCelType(value)) return String((value as { name?: string }).name ?? value);
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (value instanceof Optional) {
    throw formattingError(
      'string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps, was given optional_type',
    );
  }
  if (isCelMap(value)) {
    const entries = mapEntries(value)
      .map(([key, item]) => [formatValue(key), formatValue(item)] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${key}: ${item}`).join(', ')}}`;
  }
  throw formattingError(
    `string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps, was given ${typeName(value)}`,
  );
}

/** Go's `time.RFC3339Nano` in UTC: fractional seconds without trailing zeros. */
function goRfc3339Nano(date: Date): string {
  const iso = date.toISOString();
  return iso.replace(/\.(\d{3})Z$/, (_, millis: string) => {
    const trimmed = millis.replace(/0+$/, '');
    return trimmed === '' ? 'Z' : `.${trimmed}Z`;
  });
}

function typeName(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'number') return 'double';
  if (value === null) return 'null_type';
  if (isUint(value)) return 'uint';
  if (value instanceof Uint8Array) return 'bytes';
  if (value instanceof Date) return 'google.protobuf.Timestamp';
  if (isDuration(value)) return 'google.protobuf.Duration';
  if (Array.isArray(value)) return 'list';
  if (value instanceof Optional) return 'optional_type';
  if (isCelMap(value)) return 'map';
  return 'unknown';
}
