/**
 * zod schemas of the Event and of the fields every provider spec shares, for callers who check
 * their own data with zod. notiflux itself does not use them (its checks load no library,
 * docs/design/spec-validation.md); a test holds them to the same verdicts.
 * Imported as `@notiflux/core/schemas`: only this entry loads zod.
 */
import { z } from 'zod';
import { GO_DURATION_UNITS, MAX_TIMEOUT_MS, parseDurationMs } from './duration.js';
import { parseFluxTimestamp } from './event.js';

const optionalString = z.string().optional();

export const eventSchema = z.object({
  involvedObject: z.object({
    kind: z.string(),
    name: z.string(),
    namespace: optionalString,
    uid: optionalString,
    apiVersion: optionalString,
    resourceVersion: optionalString,
    fieldPath: optionalString,
  }),
  severity: z.enum(['info', 'error', 'trace'], { error: 'must be one of info, error, trace' }),
  timestamp: z
    .string()
    .refine((value) => !Number.isNaN(parseFluxTimestamp(value)), 'must be an RFC 3339 date-time'),
  message: z.string(),
  reason: z.string(),
  metadata: z.record(z.string(), z.string()).optional(),
  reportingController: z.string(),
  reportingInstance: optionalString,
});

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[^\r\n\0]*$/;
const PEM = /-----BEGIN [A-Z0-9 ]+-----/;

const pem = (what: string) => z.string().regex(PEM, `must be a PEM-encoded ${what}`);

const headersSchema = z.record(z.string(), z.string()).superRefine((headers, context) => {
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) {
      context.addIssue({ code: 'custom', message: `${JSON.stringify(name)} is not a valid header name` });
    } else if (seen.has(name.toLowerCase())) {
      context.addIssue({
        code: 'custom',
        message: `${JSON.stringify(name)} is given twice (header names ignore case)`,
      });
    }
    seen.add(name.toLowerCase());
    if (!HEADER_VALUE.test(value)) {
      context.addIssue({
        code: 'custom',
        message: `the value of ${JSON.stringify(name)} must not contain line breaks`,
      });
    }
  }
});

/**
 * The fields every provider spec shares, before the Secret is applied; a type's own fields
 * (`signature`, `endpoint`) pass through unchecked.
 */
export const providerSpecSchema = z.looseObject({
  type: z.string(),
  address: optionalString,
  channel: optionalString,
  username: optionalString,
  password: optionalString,
  token: optionalString,
  headers: headersSchema.optional(),
  proxy: optionalString,
  timeout: z
    .unknown()
    .refine(
      (value) => {
        if (value === undefined) return true;
        if (typeof value !== 'string' && typeof value !== 'number') return false;
        const ms = parseDurationMs(value);
        return ms > 0 && ms <= MAX_TIMEOUT_MS;
      },
      `must be a Go duration (units ${GO_DURATION_UNITS}: 30s, 1m30s, 1h) or a positive number of milliseconds, at most ${Math.floor(MAX_TIMEOUT_MS / 3_600_000)}h`,
    )
    .optional(),
  secret: z.record(z.string(), z.string()).optional(),
  tls: z
    .strictObject({
      ca: pem('certificate').optional(),
      cert: pem('certificate').optional(),
      key: pem('private key').optional(),
    })
    .optional()
    .refine(
      (tls) => !tls || Boolean(tls.cert) === Boolean(tls.key),
      'tls.cert and tls.key must be given together',
    ),
  commitStatus: z.union([z.string(), z.function()]).optional(),
  provider: z
    .strictObject({ uid: optionalString, name: optionalString, namespace: optionalString })
    .optional(),
  retry: z
    .strictObject({
      retries: z.number().int().min(0).optional(),
      minDelayMs: z.number().min(0).optional(),
      maxDelayMs: z.number().min(0).optional(),
    })
    .optional()
    .refine(
      (retry) => (retry?.maxDelayMs ?? 30_000) >= (retry?.minDelayMs ?? 2_000),
      'retry.maxDelayMs: must not be less than retry.minDelayMs',
    ),
});
