import { GO_DURATION_UNITS, MAX_TIMEOUT_MS, parseDurationMs } from './duration.js';
import { NotifierError } from './errors.js';
import type { Event } from './event.js';
import { mergeHeaders } from './http/headers.js';
import type { ProviderType } from './provider-types.js';
import { parseSecretHeaders, SecretHeadersError } from './secret-headers.js';
import {
  type AnySpecField,
  anyValue,
  INVALID,
  issueLines,
  number,
  object,
  ofType,
  parseShape,
  type SpecIssue,
  type SpecShape,
  string,
  stringRecord,
} from './spec-field.js';

export interface TlsOptions {
  /** PEM CA bundle; when set, only these roots are trusted (like certSecretRef's `ca.crt`). */
  ca?: string;
  /** PEM client certificate (`tls.crt`), with `key`, for mutual TLS. */
  cert?: string;
  /** PEM private key of `cert` (`tls.key`). */
  key?: string;
}

export interface RetryOptions {
  /** Retries after the first attempt. Default 4 (Flux: 5 attempts). */
  retries?: number;
  /** Back-off before the first retry, doubled for each next one. Default 2000. */
  minDelayMs?: number;
  /** Ceiling of the back-off. Default 30000. */
  maxDelayMs?: number;
}

export interface ProviderIdentity {
  uid?: string;
  name?: string;
  namespace?: string;
}

/** A Flux Provider, flattened: its spec fields, its Secret's data and its identity. */
export interface ProviderSpec {
  type: ProviderType;
  address?: string;
  channel?: string;
  username?: string;
  password?: string;
  token?: string;
  /** Extra HTTP headers (Pub/Sub: message attributes); `secret.headers` is merged over it, key by key. */
  headers?: Record<string, string>;
  /** HTTP(S) proxy URL, may carry `user:pass`. */
  proxy?: string;
  /** Go duration (`30s`, `1m30s`, `1h`; units ns to h) or milliseconds; bounds the whole `post`. Default 15s. */
  timeout?: string | number;
  /**
   * A Flux Secret's data. `address`, `token`, `username`, `password`, `proxy` and `headers` (a
   * YAML map) override the fields above; values are trimmed. Provider-specific keys are read from here too.
   */
  secret?: Record<string, string>;
  tls?: TlsOptions;
  /** Git commit-status types: the status id, or a function of the event computing it. */
  commitStatus?: string | ((event: Event) => string);
  /** Identity of the Provider object. */
  provider?: ProviderIdentity;
  retry?: RetryOptions;
}

/** The spec after the Secret was applied and defaults filled in: what providers read. */
export interface ResolvedSpec {
  type: ProviderType;
  address?: string;
  channel?: string;
  username?: string;
  password?: string;
  token?: string;
  headers: Record<string, string>;
  proxy?: string;
  timeoutMs: number;
  tls?: TlsOptions;
  commitStatus?: string | ((event: Event) => string);
  provider: ProviderIdentity;
  retry: Required<RetryOptions>;
  /** The whole Secret, for provider-specific keys. */
  secret: Record<string, string>;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_RETRY: Required<RetryOptions> = { retries: 4, minDelayMs: 2_000, maxDelayMs: 30_000 };
/** Flux's limit on `address`, `channel`, `username` and `proxy`. */
export const MAX_FIELD_LENGTH = 2048;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[^\r\n\0]*$/;
const PEM = /-----BEGIN [A-Z0-9 ]+-----/;

const pem = (what: string) =>
  string().check((value) => (PEM.test(value) ? undefined : `must be a PEM-encoded ${what}`));

const optionalString = string().optional();

/** Header names and values an HTTP request can carry, each name once (ignoring case). */
const headersField = stringRecord().checkEach((headers, report) => {
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) {
      report(`${JSON.stringify(name)} is not a valid header name`);
    } else if (seen.has(name.toLowerCase())) {
      report(`${JSON.stringify(name)} is given twice (header names ignore case)`);
    }
    seen.add(name.toLowerCase());
    if (!HEADER_VALUE.test(value)) {
      report(`the value of ${JSON.stringify(name)} must not contain line breaks`);
    }
  }
});

const isStringOrFunction = (value: unknown): value is string | ((event: Event) => string) =>
  typeof value === 'string' || typeof value === 'function';

// What the caller may pass: types and formats of each field. Provider definitions add their
// own fields and requirements on the resolved spec.
const specFields = {
  type: string(),
  address: optionalString,
  channel: optionalString,
  username: optionalString,
  password: optionalString,
  token: optionalString,
  headers: headersField.optional(),
  proxy: optionalString,
  timeout: anyValue().check((value) => {
    if (value === undefined) return undefined;
    if (typeof value === 'string' || typeof value === 'number') {
      const ms = parseDurationMs(value);
      if (ms > 0 && ms <= MAX_TIMEOUT_MS) return undefined;
    }
    return `must be a Go duration (units ${GO_DURATION_UNITS}: 30s, 1m30s, 1h) or a positive number of milliseconds, at most ${Math.floor(MAX_TIMEOUT_MS / 3_600_000)}h`;
  }),
  secret: stringRecord().optional(),
  tls: object(
    {
      ca: pem('certificate').optional(),
      cert: pem('certificate').optional(),
      key: pem('private key').optional(),
    },
    { unknownKeys: 'strict' },
  )
    .check((tls) =>
      Boolean(tls.cert) === Boolean(tls.key) ? undefined : 'tls.cert and tls.key must be given together',
    )
    .optional(),
  // An empty string is refused by the commit-status types, each at its place in upstream's order.
  commitStatus: ofType(isStringOrFunction, 'must be a string or a function').optional(),
  provider: object(
    { uid: optionalString, name: optionalString, namespace: optionalString },
    { unknownKeys: 'strict' },
  ).optional(),
  retry: object(
    {
      retries: number({ whole: true, min: 0 }).optional(),
      minDelayMs: number({ min: 0 }).optional(),
      maxDelayMs: number({ min: 0 }).optional(),
    },
    { unknownKeys: 'strict' },
  ).optional(),
} satisfies SpecShape;

const lengthLimited = string()
  .maxLength(MAX_FIELD_LENGTH, `exceeds the maximum length of ${MAX_FIELD_LENGTH} characters`)
  .optional();

/** Checks that hold for every type once the Secret is applied. */
export const resolvedSpecShape = {
  address: lengthLimited,
  channel: lengthLimited,
  username: lengthLimited,
  proxy: string()
    .maxLength(MAX_FIELD_LENGTH)
    .check((proxy) =>
      isHttpUrl(proxy) ? undefined : 'must be an absolute http(s) URL (socks proxies are not supported)',
    )
    .optional(),
  headers: headersField,
} satisfies SpecShape;

/**
 * Spec fields a Flux Secret may supply (see `resolveProviderSpec`), or that resolution always
 * fills: a type that needs one still lets the caller leave it out of the spec, since the Secret
 * may hold it, so typed specs keep these optional.
 */
export type SecretSuppliedField =
  | 'address'
  | 'token'
  | 'username'
  | 'password'
  | 'proxy'
  | 'headers'
  | 'secret';

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export function invalidSpec(type: ProviderType, detail: string): NotifierError {
  return new NotifierError('INVALID_SPEC', `invalid ${type} provider spec: ${detail}`, {
    providerType: type,
  });
}

/**
 * Checks the fields every spec shares and applies the Secret the way notification-controller
 * does (event_handlers.go `createNotifier`), with two fixes (docs/design/provider-specs.md): values
 * are trimmed, and username and password stand on their own.
 * `extraFields` are the provider's own field names, accepted as they are; with `tlsFromSecret`
 * (the definition's), the Secret's `ca.crt`, `tls.crt` and `tls.key` are the `tls` when none is given.
 */
export function resolveProviderSpec(
  input: unknown,
  type: ProviderType,
  extraFields: readonly string[],
  tlsFromSecret = false,
): ResolvedSpec {
  const { spec, problems } = resolveSpecCollecting(input, type, extraFields, tlsFromSecret);
  if (problems.length > 0) throw invalidSpec(type, problems.join('; '));
  return spec;
}

/** A resolved spec, and every problem found on the way (with its field), so all are told at once. */
export interface SpecResolution {
  /** Resolved without the fields that failed their checks (their defaults, if any, instead). */
  spec: ResolvedSpec;
  problems: string[];
  /** Top-level fields whose own check failed: later checks of them would only repeat it. */
  invalidFields: Set<string>;
}

/** `resolveProviderSpec`, collecting the problems instead of throwing at the first. */
export function resolveSpecCollecting(
  input: unknown,
  type: ProviderType,
  extraFields: readonly string[],
  tlsFromSecret = false,
): SpecResolution {
  const problems: string[] = [];
  const invalidFields = new Set<string>();
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw invalidSpec(type, 'must be an object');
  }
  const issues: SpecIssue[] = [];
  let fields = parseShape(shapeFor(extraFields), input as Record<string, unknown>, [], issues, 'strict');
  if (fields === INVALID) {
    problems.push(issueLines(issues).join('; '));
    for (const issue of issues) invalidFields.add(issue.path[0] as string);
    // Go on without the failed fields, to find the problems of the others too.
    const rest: Record<string, unknown> = { ...input };
    for (const field of invalidFields) delete rest[field];
    fields = parseShape(shapeFor(extraFields), rest, [], [], 'strict');
    if (fields === INVALID) throw invalidSpec(type, problems.join('; '));
  }
  const spec = fields as ProviderSpec & Record<string, unknown>;
  const malformed = malformedTextField(spec);
  if (malformed)
    throw invalidSpec(type, `${malformed}: must be valid Unicode text (it holds a lone surrogate)`);
  const secret = spec.secret ?? {};
  const fromSecret = (key: string): string | undefined =>
    Object.hasOwn(secret, key) ? secret[key] : undefined;

  let headers = spec.headers ?? {};
  const secretHeaders = fromSecret('headers');
  if (secretHeaders !== undefined) {
    try {
      headers = mergeHeaders(headers, parseSecretHeaders(secretHeaders));
    } catch (error) {
      if (!(error instanceof SecretHeadersError)) throw error;
      problems.push(`secret.headers: ${error.message}`);
      invalidFields.add('headers');
    }
  }

  let secretAddress = fromSecret('address');
  if (secretAddress !== undefined && Buffer.byteLength(secretAddress) > MAX_FIELD_LENGTH) {
    problems.push(`secret.address: exceeds the maximum length of ${MAX_FIELD_LENGTH} bytes`);
    invalidFields.add('address');
    secretAddress = undefined;
  }

  const resolved: ResolvedSpec & Record<string, unknown> = {
    ...spec,
    type,
    headers,
    timeoutMs: spec.timeout === undefined ? DEFAULT_TIMEOUT_MS : parseDurationMs(spec.timeout),
    provider: spec.provider ?? {},
    retry: { ...DEFAULT_RETRY, ...spec.retry },
    secret,
  };
  delete resolved.timeout;
  // A present-but-empty Secret address clears spec.address, as upstream.
  assignTrimmed(resolved, 'address', secretAddress ?? spec.address);
  assignTrimmed(resolved, 'token', fromSecret('token') ?? spec.token);
  assignTrimmed(resolved, 'username', fromSecret('username') ?? spec.username);
  assignTrimmed(resolved, 'password', fromSecret('password') ?? spec.password);
  assignTrimmed(resolved, 'proxy', fromSecret('proxy') ?? spec.proxy);

  const tls = spec.tls ?? (tlsFromSecret ? secretTls(secret) : undefined);
  if (tls) resolved.tls = tls;
  else delete resolved.tls;

  if (resolved.retry.maxDelayMs < resolved.retry.minDelayMs) {
    problems.push('retry.maxDelayMs: must not be less than retry.minDelayMs');
  }
  return { spec: resolved, problems, invalidFields };
}

// One shape per set of extra fields (i.e. per provider type), built once.
const inputShapes = new Map<string, SpecShape>();

function shapeFor(extraFields: readonly string[]): SpecShape {
  const key = extraFields.join('\0');
  let shape = inputShapes.get(key);
  if (!shape) {
    const fields: Record<string, AnySpecField> = { ...specFields };
    for (const field of extraFields) fields[field] ??= anyValue();
    shape = fields;
    inputShapes.set(key, shape);
  }
  return shape;
}

/**
 * The first text field holding a lone surrogate, which can be neither URL-encoded nor sent as
 * UTF-8: a secret or address with one fails when used, so it is refused here, by name.
 */
function malformedTextField(spec: Record<string, unknown>): string | undefined {
  for (const [field, value] of Object.entries(spec)) {
    if (typeof value === 'string' && !value.isWellFormed()) return field;
    if (field !== 'headers' && field !== 'secret') continue;
    for (const [key, entry] of Object.entries((value ?? {}) as Record<string, string>)) {
      if (!key.isWellFormed() || !entry.isWellFormed()) return `${field}.${key.toWellFormed()}`;
    }
  }
  return undefined;
}

function assignTrimmed(target: Record<string, unknown>, key: string, value: string | undefined): void {
  const trimmed = value?.trim();
  if (trimmed) target[key] = trimmed;
  else delete target[key];
}

/** Commit-status types read TLS material from their main Secret (`ca.crt`, `tls.crt`, `tls.key`, legacy names). */
function secretTls(secret: Record<string, string>): TlsOptions | undefined {
  const ca = secret['ca.crt'] ?? secret.caFile;
  const cert = secret['tls.crt'] ?? secret.certFile;
  const key = secret['tls.key'] ?? secret.keyFile;
  if (!ca && !(cert && key)) return undefined;
  return { ...(ca ? { ca } : {}), ...(cert && key ? { cert, key } : {}) };
}
