import type { ConnectionOptions } from 'nats';

type NatsModule = typeof import('nats');

/** The spec fields that carry NATS credentials. */
export interface NatsCredentialFields {
  username?: string | undefined;
  password?: string | undefined;
  secret: Record<string, string>;
}

/** Which credentials the connection sends, in upstream's priority order. */
export type NatsAuth =
  | { kind: 'creds'; creds: string }
  | { kind: 'nkey'; seed: string }
  | { kind: 'userpass'; user: string; pass: string }
  | { kind: 'none' };

/** creds > nkey > username+password (only when both are set) > nothing. */
export function natsAuthOf(spec: NatsCredentialFields): NatsAuth {
  const creds = spec.secret.creds?.trim();
  // The client's creds parser wants the line break after the closing seed line.
  if (creds) return { kind: 'creds', creds: `${creds}\n` };
  const seed = spec.secret.nkey?.trim();
  if (seed) return { kind: 'nkey', seed };
  if (spec.username && spec.password) return { kind: 'userpass', user: spec.username, pass: spec.password };
  return { kind: 'none' };
}

/** The client's connection options for the spec's credentials (none without any). */
export function natsAuthOptions(nats: NatsModule, spec: NatsCredentialFields): ConnectionOptions {
  const auth = natsAuthOf(spec);
  const encoder = new TextEncoder();
  if (auth.kind === 'creds') return { authenticator: nats.credsAuthenticator(encoder.encode(auth.creds)) };
  if (auth.kind === 'nkey') return { authenticator: nats.nkeyAuthenticator(encoder.encode(auth.seed)) };
  if (auth.kind === 'userpass') return { user: auth.user, pass: auth.pass };
  return {};
}
