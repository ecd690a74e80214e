/**
 * Which hub an `azureeventhub` spec names and how it authenticates. Two modes, chosen as upstream
 * does (by the substring `SharedAccessKey` in `address`): SAS, where `address` is the hub's
 * connection string, and token, where `address` is the hub and `channel` the namespace.
 */
import { invalidSpec } from '@notiflux/core';

const TYPE = 'azureeventhub';

export type EventHubTarget =
  | {
      mode: 'sas';
      /** The connection string as given (it holds the key: never show it). */
      connectionString: string;
      /** The key in the connection string, to redact. */
      sharedAccessKey: string;
      namespace: string;
      hub: string;
      /** Whether the hub comes from `channel`, not from the connection string's `EntityPath`. */
      hubFromChannel: boolean;
    }
  | { mode: 'token'; namespace: string; hub: string; token: string | undefined };

export interface EventHubSpec {
  address?: string;
  channel?: string;
  token?: string;
}

/**
 * The namespace, hub and credential a spec names, checked as upstream checks at construction
 * (INVALID_SPEC with upstream's messages). Pure: reads `AZURE_AUTHORITY_HOST` only for the
 * namespace suffix of short names in token mode.
 */
export function resolveEventHubTarget(spec: EventHubSpec): EventHubTarget {
  const address = spec.address ?? '';
  if (address === '') {
    throw invalidSpec(TYPE, 'address: invalid authentication options: endpoint URL cannot be empty');
  }
  if (address.includes('SharedAccessKey')) {
    if (spec.token) {
      throw invalidSpec(
        TYPE,
        'token: invalid authentication options: jwt token and SAS authentication cannot be set at the same time',
      );
    }
    return sasTarget(address, spec.channel);
  }
  const channel = spec.channel ?? '';
  if (channel === '') {
    throw invalidSpec(TYPE, 'channel: Azure Event Hub namespace (channel) cannot be empty');
  }
  return { mode: 'token', namespace: namespaceHost(channel), hub: address, token: spec.token || undefined };
}

function sasTarget(connectionString: string, channel: string | undefined): EventHubTarget {
  const fields = parseConnectionString(connectionString);
  const problem = (detail: string) =>
    invalidSpec(TYPE, `address: failed to create a eventhub using SAS: ${detail}`);
  const endpoint = fields.get('Endpoint');
  const host = endpoint ? hostOf(endpoint) : undefined;
  if (!host) throw problem('connection string does not contain a valid Endpoint=sb://<namespace host>/');
  if (!fields.get('SharedAccessKeyName'))
    throw problem('connection string does not contain a SharedAccessKeyName');
  const sharedAccessKey = fields.get('SharedAccessKey');
  if (!sharedAccessKey) throw problem('connection string does not contain a SharedAccessKey');
  const entityPath = fields.get('EntityPath');
  if (!entityPath && !channel) {
    throw problem(
      'connection string does not contain an EntityPath. eventHub cannot be an empty string ' +
        '(add ;EntityPath=<event hub name> to the connection string, or name the hub in channel)',
    );
  }
  return {
    mode: 'sas',
    connectionString,
    sharedAccessKey,
    namespace: host,
    hub: entityPath || (channel as string),
    hubFromChannel: !entityPath,
  };
}

/** `Key=Value;...` pairs; a value may itself contain `=` (base64 keys do). */
function parseConnectionString(value: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of value.split(';')) {
    const separator = part.indexOf('=');
    if (separator <= 0) continue;
    fields.set(part.slice(0, separator).trim(), part.slice(separator + 1).trim());
  }
  return fields;
}

function hostOf(endpoint: string): string | undefined {
  try {
    return new URL(endpoint).host || undefined;
  } catch {
    return undefined;
  }
}

/** A namespace's host: given fully qualified, or a short name with the cloud's suffix (as upstream). */
export function namespaceHost(
  namespace: string,
  authorityHost = process.env.AZURE_AUTHORITY_HOST ?? '',
): string {
  if (namespace.includes('.servicebus.')) return namespace;
  if (authorityHost.includes('chinacloudapi.cn')) return `${namespace}.servicebus.chinacloudapi.cn`;
  if (authorityHost.includes('microsoftonline.us')) return `${namespace}.servicebus.usgovcloudapi.net`;
  return `${namespace}.servicebus.windows.net`;
}
