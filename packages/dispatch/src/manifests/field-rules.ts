import { closestName } from './closest-name.js';
import { fieldPath } from './field-path.js';

/**
 * A small schema language for the CRDs: what each field holds, checked on plain values (parsed
 * YAML or objects written in JavaScript) with every problem reported, not only the first.
 */
export type Rule =
  | StringRule
  | { type: 'boolean' }
  | { type: 'integer' }
  | {
      type: 'stringMap';
      key?: (key: string) => string | undefined;
      value?: (value: string) => string | undefined;
    }
  | { type: 'list'; items: Rule }
  | ObjectRule
  | { type: 'any' };

export interface StringRule {
  type: 'string';
  minLength?: number;
  /** In characters (code points), as the OpenAPI schema counts. */
  maxLength?: number;
  oneOf?: readonly string[];
  /** Further checks; a message when the value is wrong. */
  check?: (value: string) => string | undefined;
}

export interface Field {
  rule: Rule;
  required?: boolean;
}

export interface ObjectRule {
  type: 'object';
  fields: Readonly<Record<string, Field>>;
  /** For fields of other API versions: why they are not accepted here. */
  elsewhere?: Readonly<Record<string, string>>;
}

export type Report = (path: string, message: string) => void;

export function checkValue(value: unknown, rule: Rule, path: string, report: Report): void {
  switch (rule.type) {
    case 'any':
      return;
    case 'string':
      if (typeof value !== 'string') {
        report(path, `must be a string, ${describe(value)}${quoteHint(value)}`);
        return;
      }
      checkString(value, rule, path, report);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') report(path, `must be true or false, ${describe(value)}`);
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value))
        report(path, `must be an integer, ${describe(value)}`);
      return;
    case 'stringMap':
      if (!isPlainObject(value)) {
        report(path, `must be a mapping of strings, ${describe(value)}`);
        return;
      }
      for (const [key, item] of Object.entries(value)) {
        const itemPath = fieldPath(path, key);
        const keyProblem = rule.key?.(key);
        if (keyProblem) report(itemPath, keyProblem);
        if (typeof item !== 'string')
          report(itemPath, `must be a string, ${describe(item)}${quoteHint(item)}`);
        else {
          const valueProblem = rule.value?.(item);
          if (valueProblem) report(itemPath, valueProblem);
        }
      }
      return;
    case 'list':
      if (!Array.isArray(value)) {
        report(path, `must be a list, ${describe(value)}`);
        return;
      }
      value.forEach((item, index) => {
        checkValue(item, rule.items, fieldPath(path, index), report);
      });
      return;
    case 'object':
      if (!isPlainObject(value)) {
        report(path, `must be a mapping, ${describe(value)}`);
        return;
      }
      checkFields(value, rule, path, report);
      return;
  }
}

/** Checks an object's fields against `rule`: required ones present, unknown ones refused (with a hint), each value checked. */
export function checkFields(
  object: Record<string, unknown>,
  rule: ObjectRule,
  path: string,
  report: Report,
): void {
  // In the object's own order, so that issues come in the order of the text.
  for (const [name, value] of Object.entries(object)) {
    if (Object.hasOwn(rule.fields, name)) {
      if (value !== null && value !== undefined)
        checkValue(value, (rule.fields[name] as Field).rule, fieldPath(path, name), report);
      continue;
    }
    const elsewhere =
      rule.elsewhere && Object.hasOwn(rule.elsewhere, name) ? rule.elsewhere[name] : undefined;
    if (elsewhere) {
      report(fieldPath(path, name), elsewhere);
      continue;
    }
    const hint = closestName(name, Object.keys(rule.fields));
    report(fieldPath(path, name), `unknown field${hint ? ` (did you mean "${hint}"?)` : ''}`);
  }
  for (const [name, field] of Object.entries(rule.fields)) {
    const value = Object.hasOwn(object, name) ? object[name] : undefined;
    if (field.required && (value === undefined || value === null))
      report(fieldPath(path, name), 'is required');
  }
}

function checkString(value: string, rule: StringRule, path: string, report: Report): void {
  const length = [...value].length;
  if (rule.minLength !== undefined && length < rule.minLength) {
    report(
      path,
      rule.minLength === 1 ? 'must not be empty' : `must be at least ${rule.minLength} characters`,
    );
    return;
  }
  if (rule.maxLength !== undefined && length > rule.maxLength) {
    report(path, `must be at most ${rule.maxLength} characters, got ${length}`);
    return;
  }
  if (rule.oneOf && !rule.oneOf.includes(value)) {
    report(
      path,
      `must be one of ${rule.oneOf.map((item) => `"${item}"`).join(', ')}, got ${JSON.stringify(value)}`,
    );
    return;
  }
  const problem = rule.check?.(value);
  if (problem) report(path, problem);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** "got …" for a value of the wrong type. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'got nothing (null)';
  if (typeof value === 'number' || typeof value === 'boolean')
    return `got the ${typeof value} ${String(value)}`;
  if (typeof value === 'string') return `got the string ${JSON.stringify(value)}`;
  if (Array.isArray(value)) return 'got a list';
  if (value instanceof Uint8Array) return 'got binary data';
  if (isPlainObject(value)) return 'got a mapping';
  return `got ${typeof value}`;
}

/** YAML reads `12345`, `true` or `1.0` as numbers and booleans: where a string was meant, say how to write one. */
function quoteHint(value: unknown): string {
  return typeof value === 'number' || typeof value === 'boolean'
    ? ' (quote it in YAML to make it a string)'
    : '';
}
