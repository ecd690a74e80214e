import type { Dispatcher } from 'undici';
import type { Deadline } from './deadline.js';
import type { Event } from './event.js';
import type { AttemptInfo, HttpRequest, HttpResponse } from './http/http-transport.js';
import type { ProviderSpec, ResolvedSpec, SecretSuppliedField } from './provider-spec.js';
import type { ProviderCategory, ProviderType } from './provider-types.js';
import type { Redactor } from './redaction.js';
import type { FieldInput, ShapeOutput, SpecField, SpecShape } from './spec-field.js';

/**
 * The SDK a provider sends with, an optional peer dependency: loaded on the first post that
 * asks for it (`MISSING_DEPENDENCY` when it is not installed), or taken from
 * `CreateOptions.sdk[package]` when the caller gives the module (a bundle, a pinned copy).
 */
export interface ProviderSdk<Module> {
  /** The npm package: named in the missing-dependency error, and the key of `CreateOptions.sdk`. */
  package: string;
  /** Loads it, e.g. `() => import('@slack/web-api')`. */
  load(): Promise<Module>;
  /** What to run instead of `npm install <package>` (packages that go together). */
  install?: string;
}

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

export interface SendContext<
  Config,
  Sdk = unknown,
  Connection extends ProviderConnection = ProviderConnection,
> {
  spec: Config;
  deadline: Deadline;
  /** The notifier's HTTP client: retries, timeout, proxy, TLS, redaction. */
  http: {
    send(request: HttpRequest): Promise<HttpResponse>;
    /** A WHATWG `fetch` over `send`, for SDK clients (see `transportFetch`). */
    fetch: typeof fetch;
    dispatcher(): Promise<Dispatcher>;
  };
  /** The provider's `sdk` module, loaded on the first call (or the one the caller injected). */
  sdk(): Promise<Sdk>;
  /**
   * Another optional peer, declared like `sdk` and treated alike (loaded once, or taken from
   * `CreateOptions.sdk[package]`), for the rare type that needs a second package on some paths
   * only (Azure's identity library for Entra credentials).
   */
  peer<Module>(declared: ProviderSdk<Module>): Promise<Module>;
  /** Present when the provider defines `connect`. */
  connection: Connection | undefined;
  redactor: Redactor;
}

export interface ConnectContext<Sdk = unknown> {
  /** The provider's `sdk` module, loaded on the first call (or the one the caller injected). */
  sdk(): Promise<Sdk>;
  /**
   * Another optional peer, declared like `sdk` and treated alike (loaded once, or taken from
   * `CreateOptions.sdk[package]`), for the rare type that needs a second package on some paths
   * only (Azure's identity library for Entra credentials).
   */
  peer<Module>(declared: ProviderSdk<Module>): Promise<Module>;
  redactor: Redactor;
  deadline: Deadline;
  /** The notifier's undici dispatcher (proxy, TLS, keep-alive, a caller's MockAgent), for SDK clients. */
  dispatcher(): Promise<Dispatcher>;
  /** Called once per HTTP attempt an SDK makes, if the provider can observe them. */
  onAttempt: ((info: AttemptInfo) => void) | undefined;
}

/** How the notifier's HTTP transport treats every request of a type. */
export interface ProviderHttpOptions {
  /** Statuses outside 2xx that still mean success, where the service's client says so (GitLab's: 304). */
  successStatuses?: readonly number[];
  /**
   * Whether a request to this URL goes without the spec's `tls` (custom CA, client certificate):
   * for a public service that a custom CA, which replaces the system roots, would break
   * (api.github.com). `proxy` still applies.
   */
  withoutSpecTls?(url: URL): boolean;
}

/** What `show` gets besides the message: the event and spec it was encoded from, and the redaction tools. */
export interface ShowContext<Config> {
  event: Event;
  spec: Config;
  redactor: Redactor;
  /** An address as `encode` shows one: secrets redacted, userinfo left out. */
  address(value: string): string;
}

export interface ProviderDefinition<
  Shape extends SpecShape = Record<never, never>,
  Type extends ProviderType = ProviderType,
  Alias extends string = string,
  Sdk = unknown,
  Connection extends ProviderConnection = ProviderConnection,
> {
  type: Type;
  /** Other spellings accepted for `type` (`incidentio`). */
  aliases?: readonly Alias[];
  /**
   * Which events Flux's dispatcher hands to this type (`shouldDeliver`, the dispatcher's rules);
   * default `alerting`.
   */
  category?: ProviderCategory;
  /**
   * The Secret's `ca.crt`, `tls.crt` and `tls.key` become the spec's `tls` when it has none, as
   * for Flux's git providers.
   */
  tlsFromSecret?: boolean;
  /** Transport options for all of this type's HTTP requests. */
  http?: ProviderHttpOptions;
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
  /**
   * How `encode` shows one message, when the default form it gets does not fit (an HTTP request
   * with its URL and credential headers redacted and its body as sent; any other message with
   * its strings redacted): a body without the credential it carries, the readable form of a
   * binary body, an address field.
   */
  show?(
    message: OutgoingMessage,
    shown: EncodedMessage,
    context: ShowContext<ProviderConfig<Shape>>,
  ): EncodedMessage;
  /** The SDK `send` (or `connect`) works with; see `ProviderSdk`. */
  sdk?: ProviderSdk<Sdk>;
  /**
   * Opens what the provider holds between posts (a broker connection, a stateful SDK client), on
   * the first `post`; closed by `close`.
   */
  connect?(spec: ProviderConfig<Shape>, context: ConnectContext<Sdk>): Promise<Connection>;
  /** Custom delivery; the default sends every message `encode` returns, in order. */
  send?(event: Event, context: SendContext<ProviderConfig<Shape>, Sdk, Connection>): Promise<void>;
}

/**
 * Declares a provider type: identity at the top, then spec, encode and send. Inside, `send` and
 * `connect` see the SDK and connection types; the result leaves them out, so a provider's public
 * declarations never name an optional peer's types (which a user may not have installed).
 */
export function defineProvider<
  const Type extends ProviderType,
  Shape extends SpecShape = Record<never, never>,
  const Alias extends string = never,
  Sdk = unknown,
  Connection extends ProviderConnection = ProviderConnection,
>(
  definition: ProviderDefinition<Shape, Type, Alias, Sdk, Connection>,
): ProviderDefinition<Shape, Type, Alias> {
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
export type AnyProviderDefinition = ProviderDefinition<any, ProviderType, string, any, any>;
