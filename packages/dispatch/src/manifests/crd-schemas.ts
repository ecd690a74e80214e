import { builtinProviders, commitStatusProviderTypes } from '@notiflux/providers';
import { RE2JS } from 're2js';
import { compileCommitStatusExpr } from '../cel/commit-status-expr.js';
import { closestName } from './closest-name.js';
import type { Field, ObjectRule, Rule, StringRule } from './field-rules.js';

/**
 * The fields of Flux's Provider and Alert CRDs in each API version, of a Kubernetes Secret, and
 * of Kubernetes object metadata, as rules. Value constraints are v1beta3's for every version,
 * since older objects are converted to it.
 */

export const FLUX_GROUP = 'notification.toolkit.fluxcd.io';
export const FLUX_VERSIONS = ['v1beta1', 'v1beta2', 'v1beta3'] as const;
export type FluxVersion = (typeof FLUX_VERSIONS)[number];
export const CURRENT_API_VERSION = `${FLUX_GROUP}/v1beta3`;

const string: StringRule = { type: 'string' };
const boolean: Rule = { type: 'boolean' };
const integer: Rule = { type: 'integer' };
const stringMap: Rule = { type: 'stringMap' };
const optional = (rule: Rule): Field => ({ rule });
const required = (rule: Rule): Field => ({ rule, required: true });
const pattern = (regex: RegExp, description: string) => (value: string) =>
  regex.test(value) ? undefined : `must be ${description}, got ${JSON.stringify(value)}`;

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const objectName: StringRule = {
  type: 'string',
  minLength: 1,
  maxLength: 253,
  check: pattern(DNS_SUBDOMAIN, 'a lower-case DNS subdomain name (a-z, 0-9, "-", ".")'),
};

const metadata: ObjectRule = {
  type: 'object',
  fields: {
    name: required(objectName),
    namespace: required({
      type: 'string',
      minLength: 1,
      maxLength: 63,
      check: pattern(DNS_LABEL, 'a lower-case DNS label (a-z, 0-9, "-")'),
    }),
    uid: optional(string),
    labels: optional(stringMap),
    annotations: optional(stringMap),
    generateName: optional(string),
    selfLink: optional(string),
    resourceVersion: optional(string),
    generation: optional(integer),
    creationTimestamp: optional(string),
    deletionTimestamp: optional(string),
    deletionGracePeriodSeconds: optional(integer),
    finalizers: optional({ type: 'list', items: string }),
    ownerReferences: optional({ type: 'list', items: { type: 'any' } }),
    managedFields: optional({ type: 'list', items: { type: 'any' } }),
    // Dropped from Kubernetes in 1.25 but still in old dumps.
    clusterName: optional(string),
  },
};

const localObjectReference: Rule = {
  type: 'object',
  fields: { name: required({ type: 'string', minLength: 1, maxLength: 253 }) },
};

/** Every type `createNotifier` accepts, aliases (`incidentio`) included. */
export const knownProviderTypes: ReadonlySet<string> = new Set(
  builtinProviders.flatMap((definition) => [definition.type, ...(definition.aliases ?? [])]),
);

const providerType: StringRule = {
  type: 'string',
  check(value) {
    if (knownProviderTypes.has(value)) return undefined;
    const hint = closestName(value, knownProviderTypes);
    return `unknown provider type ${JSON.stringify(value)}${hint ? ` (did you mean "${hint}"?)` : ''}`;
  },
};

/** Go duration strings as the CRD's pattern allows them (no `h` for a timeout), and not zero. */
const duration = (units: string): StringRule => {
  const regex = new RegExp(`^([0-9]+(\\.[0-9]+)?(${units}))+$`);
  return {
    type: 'string',
    check(value) {
      if (!regex.test(value)) {
        return `must be a duration such as 30s, 1m30s or 500ms (units ${units.split('|').join(', ')}), got ${JSON.stringify(value)}`;
      }
      return /[1-9]/.test(value) ? undefined : 'must be longer than zero';
    },
  };
};

const limited: StringRule = { type: 'string', maxLength: 2048 };

const commitStatusExpr: StringRule = {
  type: 'string',
  check(value) {
    try {
      compileCommitStatusExpr(value);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  },
};

function providerSpec(version: FluxVersion): ObjectRule {
  const fields: Record<string, Field> = {
    type: required(providerType),
    channel: optional(limited),
    username: optional(limited),
    address: optional(limited),
    timeout: optional(duration('ms|s|m')),
    proxy: optional({
      type: 'string',
      maxLength: 2048,
      check: pattern(/^(http|https):\/\/.*$/, 'an http:// or https:// URL'),
    }),
    secretRef: optional(localObjectReference),
    certSecretRef: optional(localObjectReference),
    suspend: optional(boolean),
  };
  const v1beta3Only = ['proxySecretRef', 'serviceAccountName', 'commitStatusExpr'];
  if (version !== 'v1beta1') fields.interval = optional(duration('ms|s|m|h'));
  if (version === 'v1beta3') {
    fields.proxySecretRef = optional(localObjectReference);
    fields.serviceAccountName = optional(string);
    fields.commitStatusExpr = optional(commitStatusExpr);
  }
  const elsewhere: Record<string, string> = {};
  if (version !== 'v1beta3') {
    for (const name of v1beta3Only) elsewhere[name] = notInVersion(version, 'Provider', 'v1beta3');
  }
  if (version === 'v1beta1') elsewhere.interval = notInVersion(version, 'Provider', 'v1beta2');
  return { type: 'object', fields, elsewhere };
}

function notInVersion(version: FluxVersion, kind: string, since: string): string {
  return `is not a field of ${FLUX_GROUP}/${version} ${kind} (it came in ${since}; change apiVersion to ${CURRENT_API_VERSION})`;
}

const regexList: Rule = {
  type: 'list',
  items: {
    type: 'string',
    check(value) {
      try {
        RE2JS.compile(value);
        return undefined;
      } catch (error) {
        return `is not a valid regular expression (Go RE2 syntax): ${(error as Error).message}`;
      }
    },
  },
};

const eventSource: Rule = {
  type: 'object',
  fields: {
    apiVersion: optional(string),
    kind: required({ type: 'string', minLength: 1 }),
    name: required({ type: 'string', minLength: 1, maxLength: 253 }),
    namespace: optional({ type: 'string', minLength: 1, maxLength: 253 }),
    matchLabels: optional(stringMap),
  },
};

function alertSpec(version: FluxVersion): ObjectRule {
  const fields: Record<string, Field> = {
    providerRef: required(localObjectReference),
    eventSeverity: optional({ type: 'string', oneOf: ['info', 'error'] }),
    eventSources: required({ type: 'list', items: eventSource }),
    exclusionList: optional(regexList),
    summary: optional({ type: 'string', maxLength: 255 }),
    suspend: optional(boolean),
  };
  const elsewhere: Record<string, string> = {};
  if (version === 'v1beta1') {
    elsewhere.inclusionList = notInVersion(version, 'Alert', 'v1beta2');
    elsewhere.eventMetadata = notInVersion(version, 'Alert', 'v1beta2');
  } else {
    fields.inclusionList = optional(regexList);
    fields.eventMetadata = optional(stringMap);
  }
  return { type: 'object', fields, elsewhere };
}

const fluxObject = (spec: ObjectRule): ObjectRule => ({
  type: 'object',
  fields: {
    apiVersion: required(string),
    kind: required(string),
    metadata: required(metadata),
    spec: required(spec),
    // Runtime state in `kubectl get -o yaml` output: accepted and ignored.
    status: optional({ type: 'any' }),
  },
});

export const providerSchemas: Readonly<Record<FluxVersion, ObjectRule>> = {
  v1beta1: fluxObject(providerSpec('v1beta1')),
  v1beta2: fluxObject(providerSpec('v1beta2')),
  v1beta3: fluxObject(providerSpec('v1beta3')),
};

export const alertSchemas: Readonly<Record<FluxVersion, ObjectRule>> = {
  v1beta1: fluxObject(alertSpec('v1beta1')),
  v1beta2: fluxObject(alertSpec('v1beta2')),
  v1beta3: fluxObject(alertSpec('v1beta3')),
};

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const secretKey = (key: string) =>
  SECRET_KEY.test(key) ? undefined : 'is not a valid Secret key (letters, digits, "-", "_", ".")';

export const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const secretSchema: ObjectRule = {
  type: 'object',
  fields: {
    apiVersion: required(string),
    kind: required(string),
    metadata: required(metadata),
    type: optional(string),
    data: optional({
      type: 'stringMap',
      key: secretKey,
      value: (value) =>
        BASE64.test(value.replace(/[\r\n]/g, ''))
          ? undefined
          : 'is not valid base64 (data values are base64-encoded; put plain text under stringData)',
    }),
    stringData: optional({ type: 'stringMap', key: secretKey }),
    immutable: optional(boolean),
  },
};

export function isCommitStatusType(type: string): boolean {
  return commitStatusProviderTypes.has(type);
}
