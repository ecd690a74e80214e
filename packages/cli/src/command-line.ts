import { parseArgs } from 'node:util';
import type { Command, FlagValues, OptionTable } from './command.js';
import { UsageError } from './usage-error.js';

/** Flags every command takes. */
export const commonOptions: OptionTable = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
};

export const commonHelp = `  -h, --help             this help
      --json             results (and errors) as JSON on stdout`;

/** The command's flags; an unknown flag, a missing value or a stray argument is a UsageError. */
export function parseFlags(command: Command, args: readonly string[]): FlagValues {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: { ...commonOptions, ...command.options },
      strict: true,
      allowPositionals: false,
    });
    return values as FlagValues;
  } catch (error) {
    throw new UsageError(parseArgsMessage(error));
  }
}

/**
 * parseArgs' own wording, without its advice about '--' (which does not apply here) and without
 * quoting a value, which may be a secret passed by mistake.
 */
function parseArgsMessage(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
    return 'unexpected argument (this command takes only flags)';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /'([^']+)'/.exec(message)?.[1];
    return flag === undefined ? 'unknown flag' : `unknown flag ${flag}`;
  }
  return message.split('\n')[0] ?? message;
}

/** Whether the arguments ask for JSON, read before parsing so a parse error can be JSON too. */
export function wantsJson(args: readonly string[]): boolean {
  return args.includes('--json');
}
