import type { Dispatcher } from 'undici';
import type { Deadline } from './deadline.js';
import type { Event } from './event.js';
import type { AttemptInfo, HttpRequest, HttpResponse } from './http/http-transport.js';
import type { ProviderSpec, ResolvedSpec, SecretSuppliedField } from './provider-spec.js';
import type { ProviderType } from './provider-types.js';
import type { Redactor } from './redaction.js';
import type { FieldInput, ShapeOutput, SpecField, SpecShape } from './spec-field.js';

/** What `encode` shows for one request or message `post` would send (secrets redacted). */
export type EncodedMessage =
  | { transport: 'http'; method: string; url: string; headers: Record<string, string>; body: string }
  | { transport: 'nats'; server: string; subject: string; body: string }
  | { transport: 'pubsub'; project: string; topic: string; body: string; attributes: Record<string, string> }
  | {
      transport: 'eventhub';
      namespace?: string;
      hub: string;
      body: string;
      properties?: Record<string, unknown>;
    }
  | { transport: 'sentry'; dsn: string; body: string }
  | { transport: 'otlp'; url: string; headers: Record<string, string>; body: string };

/** A provider's output: HTTP requests (sent by the core transport) or messages for its own connection. */
export type OutgoingMessage = HttpRequest | Exclude<EncodedMessage, { transport: 'http' }>;

/** The resolved spec plus the provider's own fields, as its `spec` fields parsed them. */
export type ProviderConfig<Shape extends SpecShape = Record<never, never>> = Omit<ResolvedSpec, keyof Shape> &
  ShapeOutput<Shape>;

/** A live connection of a non-HTTP provider (a broker client, an SDK client). */
export interface ProviderConnection {
  deliver(message: OutgoingMessage, deadline: Deadline): Promise<void>;
  close(): Promise<void>;
}

export interface SendContext<Config> {
  spec: Config;
  deadline: Deadline;
  /** The notifier's HTTP client: retries, timeout, proxy, TLS, redaction. */
  http: { send(request: HttpRequest): Promise<HttpResponse>; dispatcher(): Promise<Dispatcher> };
  /** Present when the provider defines `connect`. */
  connection: ProviderConnection | undefined;
  redactor: Redactor;
}

export interface ConnectContext {
  redactor: Redactor;
  deadline: Deadline;
  /** The notifier's undici dispatcher (proxy, TLS, keep-alive, a caller's MockAgent), for SDK clients. */
  dispatcher(): Promise<Dispatcher>;
  /** Called once per HTTP attempt an SDK makes, if the provider can observe them. */
  onAttempt: ((info: AttemptInfo) => void) | undefined;
}

export interface ProviderDefinition<
  Shape extends SpecShape = Record<never, never>,
  Type extends ProviderType = ProviderType,
  Alias extends string = string,
> {
  type: Type;
  /** Other spellings accepted for `type` (`incidentio`). */
  aliases?: readonly Alias[];
  /**
   * This type's fields and requirements, checked against the resolved spec at `createNotifier`
   * (e.g. `{ address: httpAddress, token: requiredString('the HMAC key') }`). Fields the common
   * spec lacks become accepted spec fields.
   */
  spec?: Shape;
  /**
   * Checks across fields, run at `createNotifier` after the `spec` shape passed; returns a
   * `field: problem` message when the combination cannot work.
   */
  validate?(spec: ProviderConfig<Shape>): string | undefined;
  /** Names of this type's own fields whose values are secrets, to redact them everywhere. */
  secretFields?: readonly string[];
  /**
   * Credentials this type takes out of a larger value (a Sentry DSN's keys), to redact them
   * everywhere, on their own, like the spec's secrets.
   */
  derivedSecrets?(spec: ProviderConfig<Shape>): readonly string[];
  /**
   * Keys of the Flux Secret that this type reads but that identify rather than authenticate (a
   * GitHub App's id): left unredacted, since hiding a short number would garble every message.
   */
  publicSecretKeys?: readonly string[];
  /**
   * Pure: what `post` sends for this event, with no I/O. Providers whose sending depends on a
   * read (an existing status, a comment to update) return the write they would make if the
   * read found nothing, and implement `send`.
   */
  encode(event: Event, spec: ProviderConfig<Shape>): OutgoingMessage[] | Promise<OutgoingMessage[]>;
  /** Opens the provider's SDK or broker client, on the first `post`. */
  connect?(spec: ProviderConfig<Shape>, context: ConnectContext): Promise<ProviderConnection>;
  /** Custom delivery; the default sends every message `encode` returns, in order. */
  send?(event: Event, context: SendContext<ProviderConfig<Shape>>): Promise<void>;
}

/** Declares a provider type: identity at the top, then spec, encode and send. */
export function defineProvider<
  const Type extends ProviderType,
  Shape extends SpecShape = Record<never, never>,
  const Alias extends string = never,
>(definition: ProviderDefinition<Shape, Type, Alias>): ProviderDefinition<Shape, Type, Alias> {
  return definition;
}

/** The fields of a shape the caller must give: required ones that no Secret may supply. */
type RequiredInputKeys<Shape extends SpecShape> = {
  [K in keyof Shape]: K extends SecretSuppliedField
    ? never
    : Shape[K] extends SpecField<infer _Output, infer _Input, false>
      ? K
      : never;
}[keyof Shape];

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * The spec a caller writes for a definition: the common `ProviderSpec` fields, `type` (or one of
 * its aliases), and the definition's own fields. A field the definition requires is required
 * here too unless a Flux Secret may supply it (`address`, `token`, `username`, `password`,
 * `proxy`, `headers`): then leaving it out still compiles, and `createNotifier` tells at run time
 * when neither the spec nor its `secret` has it.
 */
export type ProviderSpecOf<Definition> =
  Definition extends ProviderDefinition<infer Shape, infer Type, infer Alias>
    ? SpecWithShape<Shape, Type | Alias>
    : never;

/** `ProviderSpecOf` for one `type` value and a definition's shape. */
export type SpecWithShape<Shape extends SpecShape, Type extends ProviderType> = Simplify<
  Omit<ProviderSpec, 'type' | keyof Shape> & { type: Type } & {
    [K in Exclude<keyof Shape, RequiredInputKeys<Shape>>]?: FieldInput<Shape[K]>;
  } & { [K in RequiredInputKeys<Shape>]: FieldInput<Shape[K]> }
>;

// Definitions are stored without their precise shape.
// biome-ignore lint/suspicious/noExplicitAny: the registry holds definitions of any shape
export type AnyProviderDefinition = ProviderDefinition<any, ProviderType, string>;
