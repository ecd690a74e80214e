import type { Command } from './command.js';
import { checkCommand } from './commands/check.js';
import { deliveriesCommand } from './commands/deliveries.js';
import { dispatchCommand } from './commands/dispatch.js';
import { encodeCommand } from './commands/encode.js';
import { sendCommand } from './commands/send.js';
import { serveCommand } from './commands/serve.js';
import { signCommand } from './commands/sign.js';
import { typesCommand } from './commands/types.js';
import { verifyCommand } from './commands/verify.js';

/** Every command, in the order `notiflux --help` lists them. */
export const commands: readonly Command[] = [
  sendCommand,
  encodeCommand,
  signCommand,
  verifyCommand,
  typesCommand,
  checkCommand,
  dispatchCommand,
  serveCommand,
  deliveriesCommand,
];

export function findCommand(name: string): Command | undefined {
  return commands.find((command) => command.name === name);
}

export function overviewHelp(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const list = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n');
  return `Usage: notiflux <command> [flags]

Sends Flux CD events through any Flux notification provider, checks Flux Provider and Alert
manifests, and runs a Flux notification hub.

Commands:
${list}

  -h, --help       this help ('notiflux <command> --help' for a command's flags and an example)
      --version    the version

Exit codes: 0 done, 1 the work failed, 2 the command line is wrong.

Example:
  notiflux send --type generic --address http://127.0.0.1:8080/hook --event event.json`;
}
