import { Environment, Optional } from '@marcbachmann/cel-js';
import { celEquals, isZeroValue } from './cel-values.js';
import { formatString } from './string-format.js';

/**
 * The CEL environment Flux gives `commitStatusExpr` (fluxcd/pkg `runtime/cel`): optional types,
 * cel-go's `ext.Strings`, `ext.Sets` and `ext.Encoders`, and the variables `event`, `alert` and
 * `provider` as dynamic maps. `@marcbachmann/cel-js` has most string functions built in; the
 * ones it lacks are registered here with cel-go's semantics (strings as Unicode code points).
 */
export function createFluxCelEnvironment(variables: readonly string[]): Environment {
  const environment = new Environment({
    enableOptionalTypes: true,
    // cel-go exempts `format` arguments from homogeneous literals; the library cannot exempt one function.
    homogeneousAggregateLiterals: false,
  });
  for (const name of variables) environment.registerVariable(name, 'map');
  registerOptionalFunctions(environment);
  registerStringFunctions(environment);
  registerSetFunctions(environment);
  registerEncoderFunctions(environment);
  return environment;
}

/** The optional library's functions that the library lacks: `first`/`last` on lists, `ofNonZeroValue`, `unwrap`. */
function registerOptionalFunctions(environment: Environment): void {
  environment
    .registerFunction('list<A>.first(): optional<A>', (list: unknown[]) =>
      list.length === 0 ? Optional.none() : Optional.of(list[0]),
    )
    .registerFunction('list<A>.last(): optional<A>', (list: unknown[]) =>
      list.length === 0 ? Optional.none() : Optional.of(list[list.length - 1]),
    )
    .registerFunction('OptionalNamespace.ofNonZeroValue(A): optional<A>', (_: unknown, value: unknown) =>
      isZeroValue(value) ? Optional.none() : Optional.of(value),
    )
    .registerFunction(
      'OptionalNamespace.unwrap(list<optional<A>>): list<A>',
      (_: unknown, list: Optional[]) => unwrapOptionals(list),
    )
    .registerFunction('list<optional<A>>.unwrapOpt(): list<A>', (list: Optional[]) => unwrapOptionals(list));
}

function unwrapOptionals(list: readonly Optional[]): unknown[] {
  return list.filter((item) => item.hasValue()).map((item) => item.value());
}

// Namespaces (`strings.quote`, `sets.contains`, `base64.encode`) are constants of a type of
// their own with receiver functions: how the library itself provides `optional.of`.
class StringsNamespace {}
class SetsNamespace {}
class Base64Namespace {}

function registerStringFunctions(environment: Environment): void {
  environment
    .registerFunction('string.charAt(int): string', (text: string, index: bigint) => charAt(text, index))
    .registerFunction('string.replace(string, string): string', (text: string, from: string, to: string) =>
      replace(text, from, to, -1n),
    )
    .registerFunction(
      'string.replace(string, string, int): string',
      (text: string, from: string, to: string, count: bigint) => replace(text, from, to, count),
    )
    .registerFunction('string.reverse(): string', (text: string) => [...text].reverse().join(''))
    .registerFunction('string.format(list): string', (format: string, args: unknown[]) =>
      formatString(format, args),
    )
    .registerType('StringsNamespace', StringsNamespace)
    .registerConstant('strings', 'StringsNamespace', new StringsNamespace())
    .registerFunction('StringsNamespace.quote(string): string', (_: unknown, text: string) => quote(text));
}

function registerSetFunctions(environment: Environment): void {
  environment
    .registerType('SetsNamespace', SetsNamespace)
    .registerConstant('sets', 'SetsNamespace', new SetsNamespace())
    .registerFunction(
      'SetsNamespace.contains(list, list): bool',
      (_: unknown, list: unknown[], sub: unknown[]) => setContains(list, sub),
    )
    .registerFunction(
      'SetsNamespace.equivalent(list, list): bool',
      (_: unknown, a: unknown[], b: unknown[]) => setContains(a, b) && setContains(b, a),
    )
    .registerFunction(
      'SetsNamespace.intersects(list, list): bool',
      (_: unknown, a: unknown[], b: unknown[]) => a.some((item) => b.some((other) => celEquals(item, other))),
    );
}

function registerEncoderFunctions(environment: Environment): void {
  environment
    .registerType('Base64Namespace', Base64Namespace)
    .registerConstant('base64', 'Base64Namespace', new Base64Namespace())
    .registerFunction('Base64Namespace.encode(bytes): string', (_: unknown, bytes: Uint8Array) =>
      Buffer.from(bytes).toString('base64'),
    )
    .registerFunction('Base64Namespace.decode(string): bytes', (_: unknown, text: string) =>
      base64Decode(text),
    );
}

function setContains(list: readonly unknown[], sub: readonly unknown[]): boolean {
  return sub.every((item) => list.some((candidate) => celEquals(candidate, item)));
}

function charAt(text: string, index: bigint): string {
  const runes = [...text];
  if (index < 0n || index > BigInt(runes.length)) throw new Error(`index out of range: ${index}`);
  return runes[Number(index)] ?? '';
}

/** Go's `strings.Replace`: at most `count` replacements (all when negative); an empty `from` matches at every code point boundary. */
function replace(text: string, from: string, to: string, count: bigint): string {
  if (count === 0n || from === to) return text;
  if (from === '') {
    // Go inserts `to` before every code point and at the end.
    const runes = [...text];
    let out = '';
    for (let i = 0; i <= runes.length; i++) {
      if (count < 0n || BigInt(i) < count) out += to;
      out += runes[i] ?? '';
    }
    return out;
  }
  let out = '';
  let rest = text;
  let done = 0n;
  while (count < 0n || done < count) {
    const at = rest.indexOf(from);
    if (at < 0) break;
    out += rest.slice(0, at) + to;
    rest = rest.slice(at + from.length);
    done++;
  }
  return out + rest;
}

const QUOTE_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  '"': '\\"',
};

function quote(text: string): string {
  let out = '"';
  for (const rune of text.toWellFormed()) out += QUOTE_ESCAPES[rune] ?? rune;
  return `${out}"`;
}

const PADDED_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const RAW_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2,3})?$/;

/** cel-go's `base64.decode`: standard encoding, and unpadded input as a fallback. Line breaks are ignored, as Go does. */
function base64Decode(text: string): Uint8Array {
  const compact = text.replace(/[\r\n]/g, '');
  if (!PADDED_BASE64.test(compact) && !RAW_BASE64.test(compact)) {
    throw new Error(`illegal base64 data at input byte ${firstBadBase64Byte(compact)}`);
  }
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

function firstBadBase64Byte(text: string): number {
  const bad = text.search(/[^A-Za-z0-9+/=]/);
  if (bad >= 0) return bad;
  const padding = text.indexOf('=');
  return padding >= 0 ? padding : text.length;
}
