import type { ParseArgsConfig } from 'node:util';
import type { CliIo } from './cli-io.js';
import type { Output } from './output.js';

export type OptionTable = NonNullable<ParseArgsConfig['options']>;

/** The flags of one run, as `util.parseArgs` gives them. */
export type FlagValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface CommandContext {
  io: CliIo;
  out: Output;
  flags: FlagValues;
}

/** One `notiflux <name>` command: its flags, its help (with an example) and what it does. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** `--help`: usage, flags and at least one example. */
  help: string;
  options: OptionTable;
  /** Resolves with the exit code. */
  run(context: CommandContext): Promise<number>;
}

/** The exit codes of every command. */
export const exitCode = {
  done: 0,
  failed: 1,
  usage: 2,
} as const;
