import { type CliIoOptions, resolveIo } from './cli-io.js';
import { exitCode } from './command.js';
import { parseFlags, wantsJson } from './command-line.js';
import { findCommand, overviewHelp } from './command-table.js';
import { reportFailure } from './error-report.js';
import { Output } from './output.js';
import { UsageError } from './usage-error.js';
import { cliVersion } from './version.js';

export type { CliIo, CliIoOptions } from './cli-io.js';

/**
 * The notiflux command as a function: runs `argv` (without `node` and the script) and resolves
 * with the exit code: 0 done, 1 the work failed, 2 the command line is wrong.
 */
export async function run(argv: readonly string[], ioOptions: CliIoOptions = {}): Promise<number> {
  const io = resolveIo(ioOptions);
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' && args[0] !== undefined ? findCommand(args[0]) : undefined;
    io.stdout.write(`${topic?.help ?? overviewHelp()}\n`);
    return name === undefined ? exitCode.usage : exitCode.done;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`${cliVersion()}\n`);
    return exitCode.done;
  }
  const command = findCommand(name);
  const out = new Output(io, wantsJson(args));
  if (command === undefined) {
    const what = name.startsWith('-') ? `unknown flag ${name}` : `unknown command ${JSON.stringify(name)}`;
    out.note(`notiflux: ${what}. Run 'notiflux --help' for the commands.`);
    if (out.json) out.data({ ok: false, error: { name: 'UsageError', message: what } });
    return exitCode.usage;
  }
  try {
    const flags = parseFlags(command, args);
    if (flags.help === true) {
      io.stdout.write(`${command.help}\n`);
      return exitCode.done;
    }
    return await command.run({ flags, io, out });
  } catch (error) {
    return reportFailure(error, out, command.name);
  }
}

export { UsageError };
