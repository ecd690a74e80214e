import { type HmacAlgorithm, hmacAlgorithms, sign } from '@notiflux/hmac';
import { readBody } from '../body-input.js';
import { type Command, exitCode } from '../command.js';
import { commonHelp } from '../command-line.js';
import { environmentValue, requiredStringFlag, stringFlag } from '../flag-values.js';
import { UsageError } from '../usage-error.js';

export const signCommand: Command = {
  name: 'sign',
  summary: 'print the X-Signature value for a body',
  help: `Usage: notiflux sign --key-env VAR [--algorithm sha256] < body

Prints the X-Signature header value that a generic-hmac provider sends for the body read from
stdin: <algorithm>=<lower-case hex HMAC>.

      --key-env VAR      the environment variable holding the HMAC key
      --algorithm ALG    ${hmacAlgorithms.join(', ')} (default sha256)
${commonHelp}

Example:
  HMAC_KEY=s3cret notiflux sign --key-env HMAC_KEY < event.json`,
  options: { 'key-env': { type: 'string' }, algorithm: { type: 'string' } },
  async run({ flags, io, out }) {
    const key = environmentValue(io.env, requiredStringFlag(flags, 'key-env'), 'key-env');
    const algorithm = algorithmFlag(stringFlag(flags, 'algorithm'));
    const body = await readBody(io);
    const signature = sign(body, key, algorithm);
    if (out.json) out.data({ signature });
    else out.line(signature);
    return exitCode.done;
  },
};

export function algorithmFlag(value: string | undefined): HmacAlgorithm {
  if (value === undefined) return 'sha256';
  if (!(hmacAlgorithms as readonly string[]).includes(value)) {
    throw new UsageError(`--algorithm takes one of ${hmacAlgorithms.join(', ')}`);
  }
  return value as HmacAlgorithm;
}
