import type { Dispatcher } from 'undici';
import { guardObserver } from './attempt-observer.js';
import { Deadline } from './deadline.js';
import type {
  AnyProviderDefinition,
  EncodedMessage,
  OutgoingMessage,
  ProviderConfig,
  ProviderConnection,
  ProviderSdk,
  SendContext,
} from './define-provider.js';
import { NotifierError } from './errors.js';
import { type Event, parseEvent } from './event.js';
import { basicAuthFromUserinfo } from './http/auth-headers.js';
import type { ConnectionSettings } from './http/dispatcher.js';
import { hasHeader } from './http/headers.js';
import { type AttemptInfo, type HttpRequest, HttpTransport } from './http/http-transport.js';
import { transportFetch } from './http/transport-fetch.js';
import { importOptionalPeer } from './optional-peer.js';
import { invalidSpec, type ProviderSpec, resolvedSpecShape, resolveSpecCollecting } from './provider-spec.js';
import type { ProviderCategory, ProviderType } from './provider-types.js';
import { addressSecrets, isCredentialHeaderName, REDACTED, Redactor } from './redaction.js';
import { parseSecretHeaders } from './secret-headers.js';
import { INVALID, issueLines, parseShape, type SpecIssue, type SpecShape } from './spec-field.js';
import { closestTypes } from './type-suggestions.js';

export interface Notifier {
  readonly type: ProviderType;
  /** Which events Flux's dispatcher hands to it, as its definition declares (`shouldDeliver`). */
  readonly category: ProviderCategory;
  /** Sends the event; resolves once the service accepted it (or the provider skips it). */
  post(event: Event, options?: { signal?: AbortSignal }): Promise<void>;
  /** What `post` would send, secrets redacted, without sending. */
  encode(event: Event): Promise<EncodedMessage[]>;
  /** Releases sockets, broker connections and SDK clients. A later `post` opens them again. */
  close(): Promise<void>;
}

export interface CreateOptions {
  /** HTTP goes through it (e.g. undici's MockAgent in tests); the notifier does not close it. */
  dispatcher?: Dispatcher;
  /**
   * Pools shared between notifiers: called with the notifier's proxy and TLS settings (once
   * more without TLS, for the calls that go without it); the notifier does not close what it
   * returns. `dispatcher` wins over it. `createHttpDispatcher` makes pools as the notifier would.
   */
  sharedDispatcher?: (settings: ConnectionSettings) => Dispatcher | Promise<Dispatcher>;
  /** Called once per HTTP attempt, with a redacted URL. */
  onAttempt?: (info: AttemptInfo) => void;
  /** Provider types of your own (`defineProvider`), looked up before the built-in ones. */
  providers?: readonly AnyProviderDefinition[];
  /**
   * SDK modules by package name (`{ '@slack/web-api': slackWebApi }`), used instead of loading
   * the optional peer: for bundles, where a dynamic `import()` of it cannot be resolved, or to
   * pin the copy the notifier uses. A provider whose SDK is not given here loads it itself.
   */
  sdk?: Readonly<Record<string, object>>;
}

/** A spec with a provider's own fields besides the common ones (e.g. `generic-hmac`'s `signature`). */
export type ProviderSpecWithFields = ProviderSpec & { [field: string]: unknown };

export type CreateNotifier = (
  spec: ProviderSpec | ProviderSpecWithFields,
  options?: CreateOptions,
) => Notifier;

/** `createNotifier` over a set of provider definitions. */
export function createNotifierFactory(definitions: readonly AnyProviderDefinition[]): CreateNotifier {
  const registry = indexDefinitions(definitions);
  return function createNotifier(spec, options = {}) {
    if (spec === null || typeof spec !== 'object') {
      throw new NotifierError('INVALID_SPEC', 'invalid provider spec: expected an object with a `type`');
    }
    const type: unknown = (spec as { type?: unknown }).type;
    if (typeof type !== 'string' || type === '') {
      throw new NotifierError('INVALID_SPEC', 'invalid provider spec: type: required');
    }
    const definition =
      (options.providers && indexDefinitions(options.providers).get(type)) ?? registry.get(type);
    if (!definition) {
      const known = [...(options.providers ?? []).map((custom) => custom.type), ...registry.keys()];
      const suggestions = closestTypes(type, known).map((name) => JSON.stringify(name));
      const hint = suggestions.length > 0 ? `; did you mean ${suggestions.join(' or ')}?` : '';
      throw new NotifierError(
        'UNSUPPORTED_TYPE',
        `provider type ${JSON.stringify(type)} is not supported${hint} (types are lower-case)`,
        { providerType: type },
      );
    }
    return new DefinedNotifier(definition, configureProvider(definition, spec), options);
  };
}

function indexDefinitions(definitions: readonly AnyProviderDefinition[]): Map<string, AnyProviderDefinition> {
  const byType = new Map<string, AnyProviderDefinition>();
  for (const definition of definitions) {
    byType.set(definition.type, definition);
    for (const alias of definition.aliases ?? []) byType.set(alias, definition);
  }
  return byType;
}

/** A provider's fields: its own rules over the common ones, and the common ones it replaced. */
interface ProviderShapes {
  resolved: SpecShape;
  /** The common rules of the fields the provider redefines (the length of `address`), which still apply. */
  common: SpecShape | undefined;
}

const providerShapes = new WeakMap<AnyProviderDefinition, ProviderShapes>();

function shapesOf(definition: AnyProviderDefinition): ProviderShapes {
  let shapes = providerShapes.get(definition);
  if (!shapes) {
    const own: SpecShape = definition.spec ?? {};
    const replaced = Object.entries(resolvedSpecShape).filter(([field]) => Object.hasOwn(own, field));
    shapes = {
      resolved: { ...resolvedSpecShape, ...own },
      common: replaced.length > 0 ? Object.fromEntries(replaced) : undefined,
    };
    providerShapes.set(definition, shapes);
  }
  return shapes;
}

/**
 * Resolves the Secret, then checks the result against the common rules and the provider's own,
 * and tells every problem found at once.
 */
export function configureProvider(definition: AnyProviderDefinition, spec: unknown): ProviderConfig {
  try {
    return checkedConfig(definition, spec);
  } catch (error) {
    // A refused spec may be quoted in the message (an address that does not parse): it goes
    // through the same redaction as delivery errors.
    if (!(error instanceof NotifierError) || spec === null || typeof spec !== 'object') throw error;
    const input = spec as Record<string, unknown>;
    const secret = isStringRecord(input.secret) ? input.secret : {};
    const headers = { ...(isStringRecord(input.headers) ? input.headers : {}), ...secretHeaders(secret) };
    const redactor = specRedactor(definition, input, headers);
    const message = redactor.text(error.message);
    if (message === error.message) throw error;
    throw new NotifierError(error.code, message, {
      providerType: error.providerType,
      cause: error.cause === undefined ? undefined : redactor.error(error.cause),
    });
  }
}

function checkedConfig(definition: AnyProviderDefinition, spec: unknown): ProviderConfig {
  const { type } = definition;
  const resolution = resolveSpecCollecting(
    spec,
    type,
    Object.keys(definition.spec ?? {}),
    definition.tlsFromSecret ?? false,
  );
  const { problems, invalidFields } = resolution;
  const shapes = shapesOf(definition);
  const resolved = resolution.spec as unknown as Record<string, unknown>;
  const issues: SpecIssue[] = [];
  if (shapes.common) parseShape(shapes.common, resolved, [], issues, 'keep');
  const config = parseShape(shapes.resolved, resolved, [], issues, 'keep');
  // A field whose given value was already refused is not reported again (as missing, say).
  const fresh = issues.filter((issue) => !invalidFields.has(issue.path[0] as string));
  for (const problem of issueLines(fresh)) {
    if (!problems.includes(problem)) problems.push(problem);
  }
  if (problems.length > 0 || config === INVALID) throw invalidSpec(type, problems.join('; '));
  const problem = definition.validate?.(config as unknown as ProviderConfig);
  if (problem !== undefined) throw invalidSpec(type, problem);
  return config as unknown as ProviderConfig;
}

/** Everything in a spec that must never be shown. */
export function redactorFor(definition: AnyProviderDefinition, spec: ProviderConfig): Redactor {
  const redactor = specRedactor(definition, spec as unknown as Record<string, unknown>, spec.headers);
  const derived = definition.derivedSecrets?.(spec);
  return derived?.length ? redactor.with(derived) : redactor;
}

/**
 * The redactor of a spec, resolved or as the caller gave it (for the errors that refuse it):
 * credentials, the Secret's values, the values of credential headers and of the Secret's
 * `headers`, and what an address or proxy carries (userinfo, secret query parameters).
 */
function specRedactor(
  definition: AnyProviderDefinition,
  spec: Record<string, unknown>,
  headers: unknown,
): Redactor {
  const strings = (value: unknown): string[] => (typeof value === 'string' ? [value] : []);
  const secret = isStringRecord(spec.secret) ? spec.secret : {};
  const secrets: string[] = [...strings(spec.token), ...strings(spec.password)];
  const publicKeys = new Set(['headers', 'username', ...(definition.publicSecretKeys ?? [])]);
  for (const [key, value] of Object.entries(secret)) {
    if (!publicKeys.has(key)) secrets.push(value);
    if (key === 'address' || key === 'proxy') secrets.push(...addressSecrets(value));
  }
  for (const url of [...strings(spec.address), ...strings(spec.proxy)]) secrets.push(...addressSecrets(url));
  for (const field of definition.secretFields ?? []) secrets.push(...strings(spec[field]));
  const fromSecret = new Set(Object.keys(secretHeaders(secret)).map((name) => name.toLowerCase()));
  const secretNames: string[] = [];
  for (const [name, value] of Object.entries(isStringRecord(headers) ? headers : {})) {
    if (!fromSecret.has(name.toLowerCase()) && !isCredentialHeaderName(name)) continue;
    secretNames.push(name);
    secrets.push(value);
  }
  return new Redactor(secrets, secretNames);
}

/** The headers a Secret's `headers` key sets: their values are credentials. */
function secretHeaders(secret: Record<string, string>): Record<string, string> {
  if (secret.headers === undefined) return {};
  try {
    return parseSecretHeaders(secret.headers);
  } catch {
    return {};
  }
}

function isStringRecord(value: unknown): value is Record<string, string> {
  if (value === null || typeof value !== 'object') return false;
  return Object.values(value).every((entry) => typeof entry === 'string');
}

class DefinedNotifier implements Notifier {
  readonly type: ProviderType;
  readonly category: ProviderCategory;
  private readonly redactor: Redactor;
  private readonly http: HttpTransport;
  private connection: Promise<ProviderConnection> | undefined;
  /** Optional peers loaded so far, by package name. */
  private readonly peers = new Map<string, Promise<unknown>>();
  private readonly onAttempt: CreateOptions['onAttempt'];
  private readonly injectedSdk: CreateOptions['sdk'];

  constructor(
    private readonly definition: AnyProviderDefinition,
    private readonly spec: ProviderConfig,
    options: CreateOptions,
  ) {
    this.type = definition.type;
    this.category = definition.category ?? 'alerting';
    this.redactor = redactorFor(definition, spec);
    this.onAttempt = guardObserver(options.onAttempt, 'onAttempt');
    this.injectedSdk = options.sdk;
    this.http = new HttpTransport({
      spec,
      redactor: this.redactor,
      dispatcher: options.dispatcher,
      sharedDispatcher: options.sharedDispatcher,
      onAttempt: this.onAttempt,
      provider: definition.http,
    });
  }

  post(event: Event, options: { signal?: AbortSignal } = {}): Promise<void> {
    let parsed: Event;
    try {
      parsed = parseEvent(event, this.type);
    } catch (error) {
      return Promise.reject(error);
    }
    const deadline = new Deadline(this.spec.timeoutMs, options.signal);
    if (deadline.abortedBy === 'caller') {
      deadline.dispose();
      return Promise.reject(
        new NotifierError('ABORTED', `${this.type}: aborted by the caller before sending`, {
          providerType: this.type,
        }),
      );
    }
    if (this.definition.send || this.definition.connect) return this.postWithContext(parsed, deadline);
    // The common case, HTTP requests from `encode`: straight to the transport's callbacks, which
    // settle this promise themselves, with no SendContext, no wait for a synchronous encoder's
    // array and no async frame between undici and the caller.
    return new Promise<void>((resolve, reject) => {
      const fail = (error: unknown) => {
        const failure = this.asNotifierError(error, deadline);
        deadline.dispose();
        reject(failure);
      };
      // Each message after the one before has been accepted, as `deliver` would.
      const sendFrom = (messages: OutgoingMessage[], index: number): void => {
        const message = messages[index];
        if (message === undefined) {
          deadline.dispose();
          resolve();
        } else if (message.transport !== 'http') {
          fail(noConnection(message));
        } else {
          try {
            this.http.start(message, deadline, () => sendFrom(messages, index + 1), fail);
          } catch (error) {
            fail(error);
          }
        }
      };
      try {
        const encoded = this.definition.encode(parsed, this.spec);
        if (Array.isArray(encoded)) sendFrom(encoded, 0);
        else encoded.then((messages) => sendFrom(messages, 0), fail);
      } catch (error) {
        fail(error);
      }
    });
  }

  /** `post` for a provider with its own `send` or a connection: through a SendContext. */
  private async postWithContext(parsed: Event, deadline: Deadline): Promise<void> {
    try {
      const { definition } = this;
      const send = (request: HttpRequest) => this.http.send(request, deadline);
      const context: SendContext<ProviderConfig> = {
        spec: this.spec,
        deadline,
        http: { send, fetch: transportFetch(send), dispatcher: () => this.http.getDispatcher() },
        sdk: () => this.sdk(),
        peer: (declared) => this.peer(declared),
        connection: definition.connect ? await this.connect(deadline) : undefined,
        redactor: this.redactor,
      };
      if (definition.send) {
        await definition.send(parsed, context);
      } else {
        for (const message of await definition.encode(parsed, this.spec)) {
          await deliver(message, context);
        }
      }
    } catch (error) {
      throw this.asNotifierError(error, deadline);
    } finally {
      deadline.dispose();
    }
  }

  async encode(event: Event): Promise<EncodedMessage[]> {
    const parsed = parseEvent(event, this.type);
    try {
      const messages = await this.definition.encode(parsed, this.spec);
      const { show } = this.definition;
      if (!show) return messages.map((message) => this.show(message));
      const context = {
        event: parsed,
        spec: this.spec,
        redactor: this.redactor,
        address: (value: string) => this.showAddress(value),
      };
      return messages.map((message) => show(message, this.show(message), context));
    } catch (error) {
      throw this.asNotifierError(error);
    }
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    await Promise.all([
      this.http.close(),
      connection?.then(
        (open) => open.close(),
        () => undefined,
      ),
    ]);
  }

  private connect(deadline: Deadline): Promise<ProviderConnection> {
    const { connect } = this.definition;
    if (!connect) throw new Error('unreachable: provider has no connect');
    if (this.connection) return this.connection;
    const opening = connect(this.spec, {
      sdk: () => this.sdk(),
      peer: (declared) => this.peer(declared),
      redactor: this.redactor,
      deadline,
      dispatcher: () => this.http.getDispatcher(),
      onAttempt: this.onAttempt,
    });
    this.connection = opening;
    // A failed attempt to connect is not cached: the next post tries again.
    opening.catch(() => {
      if (this.connection === opening) this.connection = undefined;
    });
    return opening;
  }

  /** The provider's SDK: the caller's module when given, else the optional peer, loaded once. */
  private sdk(): Promise<unknown> {
    const { sdk } = this.definition;
    if (!sdk) return Promise.reject(new Error(`the ${this.type} provider declares no sdk`));
    return this.peer(sdk);
  }

  /** An optional peer: the caller's module when given, else imported once per notifier. */
  private peer<Module>(declared: ProviderSdk<Module>): Promise<Module> {
    const injected = this.injectedSdk?.[declared.package];
    if (injected !== undefined) return Promise.resolve(injected as Module);
    const loaded = this.peers.get(declared.package);
    if (loaded) return loaded as Promise<Module>;
    const loading = importOptionalPeer(declared.package, () => declared.load(), {
      providerType: this.type,
      ...(declared.install === undefined ? {} : { install: declared.install }),
    });
    this.peers.set(declared.package, loading);
    // A failed load is not cached: installing the package fixes the next post.
    loading.catch(() => {
      if (this.peers.get(declared.package) === loading) this.peers.delete(declared.package);
    });
    return loading;
  }

  /**
   * The default displayable form of an outgoing message: URL and header values redacted, other
   * strings of a non-HTTP message redacted as text. Bodies are shown as sent; a provider whose
   * body carries a credential, or is not text, or whose message holds an address, has `show`.
   */
  private show(message: OutgoingMessage): EncodedMessage {
    const redactor = this.redactor;
    if (message.transport !== 'http') {
      const shown: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(message)) {
        const plain = typeof value !== 'string' || key === 'transport' || key === 'body';
        shown[key] = plain ? value : redactor.text(value);
      }
      return shown as EncodedMessage;
    }
    const headers = { ...message.headers, ...message.attemptHeaders?.() };
    // The transport will add Basic auth from the address's userinfo: show that it is there.
    if (basicAuthFromUserinfo(new URL(message.url)) && !hasHeader(headers, 'authorization')) {
      headers.Authorization = REDACTED;
    }
    const body =
      typeof message.body === 'string' ? message.body : Buffer.from(message.body ?? '').toString('utf8');
    // Userinfo is never shown; the Authorization header above says it is used.
    const url = this.showAddress(message.url, message.secretPath ?? false);
    return {
      transport: 'http',
      method: message.method,
      url,
      headers: redactor.headers(headers),
      body,
    };
  }

  /** An address without its secrets, nor userinfo. */
  private showAddress(address: string, secretPath = false): string {
    return this.redactor.url(address, { secretPath }).replace(`${REDACTED}@`, '');
  }

  private asNotifierError(error: unknown, deadline?: Deadline): NotifierError {
    if (error instanceof NotifierError) return error;
    const cause = this.redactor.error(error);
    const detail = error instanceof Error ? this.redactor.text(error.message) : 'unknown error';
    if (deadline?.abortedBy === 'timeout') {
      return new NotifierError(
        'TIMEOUT',
        `${this.type}: timed out after ${deadline.timeoutMs}ms: ${detail}`,
        {
          providerType: this.type,
          retryable: true,
          cause,
        },
      );
    }
    if (deadline?.abortedBy === 'caller') {
      return new NotifierError('ABORTED', `${this.type}: aborted by the caller: ${detail}`, {
        providerType: this.type,
        cause,
      });
    }
    return new NotifierError('NETWORK', `${this.type}: ${detail}`, {
      providerType: this.type,
      retryable: true,
      cause,
    });
  }
}

async function deliver(message: OutgoingMessage, context: SendContext<ProviderConfig>): Promise<void> {
  if (message.transport === 'http') {
    await context.http.send(message as HttpRequest);
    return;
  }
  if (!context.connection) throw noConnection(message);
  await context.connection.deliver(message, context.deadline);
}

function noConnection(message: OutgoingMessage): Error {
  return new Error(`no connection to deliver a ${message.transport} message`);
}
