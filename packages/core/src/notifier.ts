import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { Deadline } from './deadline.js';
import type {
  AnyProviderDefinition,
  EncodedMessage,
  OutgoingMessage,
  ProviderConfig,
  ProviderConnection,
  SendContext,
} from './define-provider.js';
import { NotifierError } from './errors.js';
import { type Event, parseEvent } from './event.js';
import { basicAuthFromUserinfo } from './http/basic-auth.js';
import type { ConnectionSettings } from './http/dispatcher.js';
import { hasHeader } from './http/headers.js';
import { type AttemptInfo, type HttpRequest, HttpTransport } from './http/http-transport.js';
import { invalidSpec, type ProviderSpec, resolvedSpecShape, resolveProviderSpec } from './provider-spec.js';
import type { ProviderType } from './provider-types.js';
import { REDACTED, Redactor } from './redaction.js';
import { formatZodIssues } from './zod-issues.js';

export interface Notifier {
  readonly type: ProviderType;
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
      throw new NotifierError('UNSUPPORTED_TYPE', `provider type ${JSON.stringify(type)} is not supported`, {
        providerType: type,
      });
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

const resolvedSchemas = new WeakMap<AnyProviderDefinition, z.ZodType>();

/** Resolves the Secret, then checks the result against the common rules and the provider's own. */
export function configureProvider(definition: AnyProviderDefinition, spec: unknown): ProviderConfig {
  const resolved = resolveProviderSpec(spec, definition.type, Object.keys(definition.spec ?? {}));
  let schema = resolvedSchemas.get(definition);
  if (!schema) {
    schema = z.looseObject({ ...resolvedSpecShape, ...definition.spec });
    resolvedSchemas.set(definition, schema);
  }
  const result = schema.safeParse(resolved, { jitless: true }); // parsed once per notifier: no compiled fast path
  if (!result.success) throw invalidSpec(definition.type, formatZodIssues(result.error.issues));
  const config = result.data as ProviderConfig;
  const problem = definition.validate?.(config);
  if (problem !== undefined) throw invalidSpec(definition.type, problem);
  return config;
}

/** Everything in a spec that must never be shown. */
export function redactorFor(definition: AnyProviderDefinition, spec: ProviderConfig): Redactor {
  const secrets: (string | undefined)[] = [spec.token, spec.password];
  const publicKeys = new Set(['headers', 'username', ...(definition.publicSecretKeys ?? [])]);
  for (const [key, value] of Object.entries(spec.secret)) {
    if (!publicKeys.has(key)) secrets.push(value);
  }
  secrets.push(...Object.values(spec.headers));
  for (const url of [spec.address, spec.proxy]) {
    const password = url ? userinfoPassword(url) : undefined;
    if (password) secrets.push(password, decodeURIComponentSafe(password));
  }
  const config = spec as unknown as Record<string, unknown>;
  for (const field of definition.secretFields ?? []) {
    const value = config[field];
    if (typeof value === 'string') secrets.push(value);
  }
  return new Redactor(secrets, Object.keys(spec.headers));
}

function userinfoPassword(value: string): string | undefined {
  try {
    return new URL(value).password || undefined;
  } catch {
    return undefined;
  }
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Fields of non-HTTP messages that hold an address, shown without userinfo. */
const URL_FIELDS = new Set(['server', 'dsn', 'url']);

class DefinedNotifier implements Notifier {
  readonly type: ProviderType;
  private readonly redactor: Redactor;
  private readonly http: HttpTransport;
  private connection: Promise<ProviderConnection> | undefined;
  private readonly onAttempt: CreateOptions['onAttempt'];

  constructor(
    private readonly definition: AnyProviderDefinition,
    private readonly spec: ProviderConfig,
    options: CreateOptions,
  ) {
    this.type = definition.type;
    this.redactor = redactorFor(definition, spec);
    this.onAttempt = options.onAttempt;
    this.http = new HttpTransport({
      spec,
      redactor: this.redactor,
      dispatcher: options.dispatcher,
      sharedDispatcher: options.sharedDispatcher,
      onAttempt: options.onAttempt,
    });
  }

  async post(event: Event, options: { signal?: AbortSignal } = {}): Promise<void> {
    const parsed = parseEvent(event, this.type);
    const deadline = new Deadline(this.spec.timeoutMs, options.signal);
    try {
      if (deadline.abortedBy === 'caller') {
        throw new NotifierError('ABORTED', `${this.type}: aborted by the caller before sending`, {
          providerType: this.type,
        });
      }
      const context: SendContext<ProviderConfig> = {
        spec: this.spec,
        deadline,
        http: {
          send: (request) => this.http.send(request, deadline),
          dispatcher: () => this.http.getDispatcher(),
        },
        connection: this.definition.connect ? await this.connect(deadline) : undefined,
        redactor: this.redactor,
      };
      if (this.definition.send) {
        await this.definition.send(parsed, context);
      } else {
        for (const message of await this.definition.encode(parsed, this.spec)) {
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
      return messages.map((message) => this.show(message));
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

  /**
   * The displayable form of an outgoing message: URLs and header values redacted. Bodies are
   * shown as sent; a provider whose body carries a credential supplies `shownBody`.
   */
  private show(message: OutgoingMessage): EncodedMessage {
    const redactor = this.redactor;
    if (message.transport !== 'http') {
      const shown: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(message)) {
        if (typeof value !== 'string' || key === 'transport' || key === 'body') shown[key] = value;
        else
          shown[key] = URL_FIELDS.has(key)
            ? redactor.url(value).replace(`${REDACTED}@`, '')
            : redactor.text(value);
      }
      return shown as EncodedMessage;
    }
    const headers = { ...message.headers, ...message.attemptHeaders?.() };
    // The transport will add Basic auth from the address's userinfo: show that it is there.
    if (basicAuthFromUserinfo(new URL(message.url)) && !hasHeader(headers, 'authorization')) {
      headers.Authorization = REDACTED;
    }
    const body =
      message.shownBody ??
      (typeof message.body === 'string' ? message.body : Buffer.from(message.body ?? '').toString('utf8'));
    // Userinfo is never shown; the Authorization header above says it is used.
    const url = redactor
      .url(message.url, { secretPath: message.secretPath ?? false })
      .replace(`${REDACTED}@`, '');
    if (message.encodedAs === 'otlp')
      return { transport: 'otlp', url, headers: redactor.headers(headers), body };
    return {
      transport: 'http',
      method: message.method,
      url,
      headers: redactor.headers(headers),
      body,
    };
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
  if (!context.connection) throw new Error(`no connection to deliver a ${message.transport} message`);
  await context.connection.deliver(message, context.deadline);
}
