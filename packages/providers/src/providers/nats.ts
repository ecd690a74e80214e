/**
 * `nats`: the Flux event, unchanged, as Go-canonical JSON in one core-NATS message on the
 * subject `channel` (upstream `internal/notifier/nats.go`). One connection per notifier, opened
 * on the first post, reused, reopened when the client gave up reconnecting, drained by `close()`.
 */
import { defineProvider, type Event, encodeFluxEventJson, field } from '@notiflux/core';
import { type NatsModule, openNatsPublisher } from '../nats/publisher.js';
import { parseNatsServers } from '../nats/servers.js';

export { type NatsAuth, natsAuthOf } from '../nats/auth.js';
export { type NatsServer, parseNatsServers } from '../nats/servers.js';

const NKEY_USER_SEED = /^SU[A-Z2-7]{56}$/;
const CREDS_JWT_BLOCK = /-----BEGIN NATS USER JWT-----/;
const CREDS_SEED_BLOCK = /-----BEGIN USER NKEY SEED-----/;

const natsAddress = field
  .string('NATS server (address) cannot be empty')
  .minLength(1, 'NATS server (address) cannot be empty')
  .check((address) => {
    const servers = parseNatsServers(address);
    return typeof servers === 'string' ? servers : undefined;
  });

const natsSubject = field
  .string('NATS subject (channel) cannot be empty')
  .minLength(1, 'NATS subject (channel) cannot be empty')
  .check((subject) =>
    /\s/.test(subject) ? 'NATS subject (channel) must not contain whitespace' : undefined,
  );

// Cheap structural checks of the auth material, so a pasted wrong value fails at createNotifier
// rather than at the first post (the spec allows it; the SDK is not loaded for them).
const natsSecret = field.record().checkEach((secret, report) => {
  const creds = secret.creds?.trim();
  if (creds && !(CREDS_JWT_BLOCK.test(creds) && CREDS_SEED_BLOCK.test(creds))) {
    report(
      'must be the content of a NATS credentials file (-----BEGIN NATS USER JWT----- and -----BEGIN USER NKEY SEED----- blocks)',
      ['creds'],
    );
  }
  const nkey = secret.nkey?.trim();
  if (nkey && !creds && !NKEY_USER_SEED.test(nkey)) {
    report('must be an NKey user seed (SU…, 58 characters)', ['nkey']);
  }
});

export const natsProvider = defineProvider({
  type: 'nats',
  spec: { address: natsAddress, channel: natsSubject, secret: natsSecret },
  encode: (event, spec) => [encodeNatsMessage(event, spec)],
  // The server is an address: shown without its credentials (its userinfo).
  show: (message, shown, { address }) =>
    message.transport === 'nats' && shown.transport === 'nats'
      ? { ...shown, server: address(message.server) }
      : shown,
  // Loaded by the first post, or given in CreateOptions.sdk['nats'].
  sdk: { package: 'nats', load: (): Promise<NatsModule> => import('nats') },
  connect: (spec, context) => openNatsPublisher(spec, context),
});

/**
 * The message `post` publishes: the event as Go's `encoding/json` writes it, on `channel`.
 * `server` is the first server of `address` (the one tried first).
 */
export function encodeNatsMessage(
  event: Event,
  spec: { address: string; channel: string },
): { transport: 'nats'; server: string; subject: string; body: string } {
  const servers = parseNatsServers(spec.address);
  const first = typeof servers === 'string' ? undefined : servers[0];
  return {
    transport: 'nats',
    server: first?.url ?? spec.address,
    subject: spec.channel,
    body: encodeFluxEventJson(event),
  };
}

export default natsProvider;
