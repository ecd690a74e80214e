import type { ProviderSpec } from '@notiflux/providers';
import type { FlagValues, OptionTable } from './command.js';
import { environmentValue, keyValue, listFlag, stringFlag } from './flag-values.js';
import { UsageError } from './usage-error.js';

/** A provider given field by field on the command line. Each secret has an `-env` twin. */
export const providerFlagOptions: OptionTable = {
  type: { type: 'string' },
  address: { type: 'string' },
  'address-env': { type: 'string' },
  channel: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  'password-env': { type: 'string' },
  token: { type: 'string' },
  'token-env': { type: 'string' },
  secret: { type: 'string', multiple: true },
  'secret-env': { type: 'string', multiple: true },
  timeout: { type: 'string' },
};

export const providerFlagHelp = `Provider, inline (instead of -f):
      --type TYPE            provider type (see 'notiflux types')
      --address URL          the provider address; --address-env VAR reads it from VAR
      --channel NAME         channel, room, topic or subject
      --username NAME        user name shown by the service
      --token TOKEN          token or HMAC key; --token-env VAR reads it from VAR
      --password PASSWORD    --password-env VAR reads it from VAR
      --secret KEY=VALUE     a key of the Provider's Secret (repeatable);
                             --secret-env KEY=VAR reads the value from VAR
      --timeout DURATION     Go duration for the whole post, retries included (default 15s)`;

/** Whether any inline provider field was given. */
export function hasProviderFlags(flags: FlagValues): boolean {
  return Object.keys(providerFlagOptions).some((name) => flags[name] !== undefined);
}

/** `--x` or `--x-env VAR`, never both. */
function fieldOrEnv(
  flags: FlagValues,
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  const direct = stringFlag(flags, name);
  const variable = stringFlag(flags, `${name}-env`);
  if (direct !== undefined && variable !== undefined) {
    throw new UsageError(`give --${name} or --${name}-env, not both`);
  }
  return variable === undefined ? direct : environmentValue(env, variable, `${name}-env`);
}

/** The ProviderSpec the inline flags describe; `createNotifier` validates it. */
export function providerSpecFromFlags(
  flags: FlagValues,
  env: Readonly<Record<string, string | undefined>>,
): ProviderSpec {
  const type = stringFlag(flags, 'type');
  if (type === undefined) throw new UsageError('no provider: give --type (and its fields), or -f FILE');
  const spec: Record<string, unknown> = { type };
  const address = fieldOrEnv(flags, env, 'address');
  if (address !== undefined) spec.address = address;
  const channel = stringFlag(flags, 'channel');
  if (channel !== undefined) spec.channel = channel;
  const username = stringFlag(flags, 'username');
  if (username !== undefined) spec.username = username;
  const password = fieldOrEnv(flags, env, 'password');
  if (password !== undefined) spec.password = password;
  const token = fieldOrEnv(flags, env, 'token');
  if (token !== undefined) spec.token = token;
  const timeout = stringFlag(flags, 'timeout');
  if (timeout !== undefined) spec.timeout = timeout;

  const secret: Record<string, string> = {};
  for (const item of listFlag(flags, 'secret')) {
    const [key, value] = keyValue(item, 'secret');
    secret[key] = value;
  }
  for (const item of listFlag(flags, 'secret-env')) {
    const [key, variable] = keyValue(item, 'secret-env');
    secret[key] = environmentValue(env, variable, 'secret-env');
  }
  if (Object.keys(secret).length > 0) spec.secret = secret;
  return spec as unknown as ProviderSpec;
}
