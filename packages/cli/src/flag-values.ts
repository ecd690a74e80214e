import type { FlagValues } from './command.js';
import { UsageError } from './usage-error.js';

/** A string flag's value, or undefined when absent. */
export function stringFlag(flags: FlagValues, name: string): string | undefined {
  const value = flags[name];
  return typeof value === 'string' ? value : undefined;
}

export function requiredStringFlag(flags: FlagValues, name: string): string {
  const value = stringFlag(flags, name);
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

/** A repeatable flag's values, in command-line order. */
export function listFlag(flags: FlagValues, name: string): string[] {
  const value = flags[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');
}

export function booleanFlag(flags: FlagValues, name: string): boolean {
  return flags[name] === true;
}

/** `KEY=VALUE` split at the first `=`; the message never repeats the value, which may be a secret. */
export function keyValue(text: string, flag: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0) throw new UsageError(`--${flag} takes KEY=VALUE (got no "=" or an empty key)`);
  return [text.slice(0, at), text.slice(at + 1)];
}

/** A variable named by a `--…-env` flag; unset or empty is a command-line error naming the variable. */
export function environmentValue(
  env: Readonly<Record<string, string | undefined>>,
  variable: string,
  flag: string,
): string {
  const value = env[variable];
  if (value === undefined || value === '') {
    throw new UsageError(`--${flag} ${variable}: the environment variable is not set`);
  }
  return value;
}

export function integerFlag(flags: FlagValues, name: string, fallback: number): number {
  const text = stringFlag(flags, name);
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text))
    throw new UsageError(`--${name} takes a whole number (got ${JSON.stringify(text)})`);
  return Number(text);
}
