import { type HmacAlgorithm, isSignatureError, verifyOrThrow } from '@notiflux/hmac';
import { readBody } from '../body-input.js';
import { type Command, exitCode } from '../command.js';
import { commonHelp } from '../command-line.js';
import { environmentValue, listFlag, requiredStringFlag } from '../flag-values.js';
import { algorithmFlag } from './sign.js';

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check an X-Signature value against a body',
  help: `Usage: notiflux verify --key-env VAR --signature VALUE [--algorithm ALG]… < body

Exit 0 when VALUE is a valid X-Signature of the body read from stdin under the key, 1 otherwise,
saying why (missing, malformed, unsupported-algorithm, mismatch). The comparison is constant-time.

      --key-env VAR        the environment variable holding the HMAC key
      --signature VALUE    the X-Signature header value, e.g. sha256=5d1f…
      --algorithm ALG      an accepted algorithm (repeatable); default the SHA-2 family
                           (sha1 only when listed, for legacy senders)
${commonHelp}

Example:
  HMAC_KEY=s3cret notiflux verify --key-env HMAC_KEY --signature "sha256=…" < body.json`,
  options: {
    'key-env': { type: 'string' },
    signature: { type: 'string' },
    algorithm: { type: 'string', multiple: true },
  },
  async run({ flags, io, out }) {
    const key = environmentValue(io.env, requiredStringFlag(flags, 'key-env'), 'key-env');
    const signature = requiredStringFlag(flags, 'signature');
    const listed = listFlag(flags, 'algorithm').map(algorithmFlag);
    const options: { algorithms?: HmacAlgorithm[] } = listed.length > 0 ? { algorithms: listed } : {};
    const body = await readBody(io);
    try {
      verifyOrThrow(signature, body, key, options);
    } catch (error) {
      if (!isSignatureError(error)) throw error;
      out.note(
        `${out.paintError('red', 'notiflux verify:')} signature not valid (${error.reason}): ${error.message}`,
      );
      if (out.json) out.data({ verified: false, reason: error.reason, message: error.message });
      return exitCode.failed;
    }
    if (out.json) out.data({ verified: true });
    else out.line(`${out.paint('green', 'verified')}`);
    return exitCode.done;
  },
};
