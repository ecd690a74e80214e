import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createNotifierFromAnySpec, NotifierError, type ProviderSpec } from '@notiflux/providers';
import { ManifestError, type ManifestIssue } from './manifest-error.js';
import { secretData } from './secret-data.js';
import { issueAt } from './source-positions.js';
import type { LocalObjectReference, Provider, Secret } from './types.js';

/** Finds a Secret by namespace and name. */
export type SecretLookup = (namespace: string, name: string) => Secret | undefined;

export interface ProviderSpecOptions {
  /**
   * Also run `createNotifier`'s validation of the spec, so that a Secret lacking what the type
   * needs (a token, an address) is reported against the Provider. Default true.
   */
  validate?: boolean;
}

export interface ProviderSpecResult {
  /** Usable only when `issues` is empty. Never holds `commitStatus`: the dispatcher sets it per event. */
  spec: ProviderSpec;
  issues: ManifestIssue[];
}

/** A lookup over a list of Secrets. */
export function secretLookup(secrets: readonly Secret[]): SecretLookup {
  const byKey = new Map(
    secrets.map((secret) => [`${secret.metadata.namespace}/${secret.metadata.name}`, secret]),
  );
  return (namespace, name) => byKey.get(`${namespace}/${name}`);
}

const MAX_PROXY_LENGTH = 2048;

/**
 * The `ProviderSpec` a Provider object and its Secrets stand for, as notification-controller
 * builds its notifier: `secretRef`'s data as `secret`, `certSecretRef` as `tls`,
 * `proxySecretRef` as `proxy` (winning over the Secret's and the spec's), the object's identity
 * as `provider`. Problems come back as issues naming the Provider's field and line.
 */
export function providerSpecFromManifests(
  provider: Provider,
  secrets: SecretLookup | readonly Secret[],
  options: ProviderSpecOptions = {},
): ProviderSpecResult {
  const lookup = typeof secrets === 'function' ? secrets : secretLookup(secrets);
  const { metadata, spec: object } = provider;
  const name = `Provider/${metadata.namespace}/${metadata.name}`;
  const issues: ManifestIssue[] = [];
  const issue = (path: string, message: string) => issues.push(issueAt(provider, path, message, name));

  const spec: ProviderSpec = {
    type: object.type,
    provider: {
      ...(metadata.uid ? { uid: metadata.uid } : {}),
      name: metadata.name,
      namespace: metadata.namespace,
    },
  };
  if (object.channel) spec.channel = object.channel;
  if (object.username) spec.username = object.username;
  if (object.address) spec.address = object.address;
  if (object.proxy) spec.proxy = object.proxy;
  if (object.timeout) spec.timeout = object.timeout;
  if (object.serviceAccountName) {
    issue(
      'spec.serviceAccountName',
      'workload identity through a Kubernetes ServiceAccount is not available outside Kubernetes: remove it and put credentials in the secretRef Secret',
    );
  }

  const read = (field: string, ref: LocalObjectReference): Record<string, string> | undefined => {
    const secret = lookup(metadata.namespace, ref.name);
    if (!secret) {
      issue(`spec.${field}.name`, `Secret ${metadata.namespace}/${ref.name} not found`);
      return undefined;
    }
    try {
      return secretData(secret);
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
      issues.push(...error.issues);
      return undefined;
    }
  };

  if (object.secretRef) {
    const data = read('secretRef', object.secretRef);
    if (data) {
      // proxySecretRef wins over the Secret's `proxy` key, which the notifier would otherwise apply.
      if (object.proxySecretRef) delete data.proxy;
      spec.secret = data;
    }
  }
  if (object.proxySecretRef) {
    const data = read('proxySecretRef', object.proxySecretRef);
    if (data) {
      const proxy = proxyFromSecret(data, `${metadata.namespace}/${object.proxySecretRef.name}`);
      if (proxy.problem) issue('spec.proxySecretRef', proxy.problem);
      else spec.proxy = proxy.url;
    }
  }
  if (object.certSecretRef) {
    const data = read('certSecretRef', object.certSecretRef);
    if (data) {
      const tls = tlsFromSecret(data, `${metadata.namespace}/${object.certSecretRef.name}`);
      if (tls.problem) issue('spec.certSecretRef', tls.problem);
      else spec.tls = tls.tls;
    }
  }

  if (issues.length === 0 && options.validate !== false) {
    try {
      createNotifierFromAnySpec(spec);
    } catch (error) {
      if (!(error instanceof NotifierError)) throw error;
      for (const { field, message } of specProblems(error.message)) {
        const path = pathOfSpecField(field, provider);
        issue(path, path === `spec.${field}` || field === '' ? message : `${field}: ${message}`);
      }
    }
  }
  return { spec, issues };
}

function proxyFromSecret(data: Record<string, string>, secret: string): { url?: string; problem?: string } {
  if (!Object.hasOwn(data, 'address')) return { problem: `Secret ${secret} has no 'address' key` };
  const address = (data.address as string).trim();
  if (address === '') return { problem: `Secret ${secret}: the proxy address is empty` };
  if (address.length > MAX_PROXY_LENGTH) {
    return {
      problem: `Secret ${secret}: the proxy URL exceeds the maximum length of ${MAX_PROXY_LENGTH} characters`,
    };
  }
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return { problem: `Secret ${secret}: the proxy address is not a URL` };
  }
  if (url.protocol === 'socks5:')
    return { problem: `Secret ${secret}: socks5 proxies are not supported, only http and https` };
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return {
      problem: `Secret ${secret}: the proxy URL must use one of the supported schemes (http, https), got '${url.protocol.slice(0, -1)}'`,
    };
  }
  const username = data.username?.trim();
  if (!username) return { url: address };
  url.username = encodeURIComponent(username);
  const password = data.password?.trim();
  if (password) url.password = encodeURIComponent(password);
  return { url: url.toString() };
}

function tlsFromSecret(
  data: Record<string, string>,
  secret: string,
): { tls?: { ca?: string; cert?: string; key?: string }; problem?: string } {
  // The standard keys win; the legacy ones are read when the standard one is absent.
  const ca = data['ca.crt'] ?? data.caFile;
  const cert = data['tls.crt'] ?? data.certFile;
  const key = data['tls.key'] ?? data.keyFile;
  if (cert && !key) return { problem: `Secret ${secret} contains 'tls.crt' but missing 'tls.key'` };
  if (key && !cert) return { problem: `Secret ${secret} contains 'tls.key' but missing 'tls.crt'` };
  if (!ca && !cert)
    return { problem: `Secret ${secret} must contain either 'ca.crt' or both 'tls.crt' and 'tls.key'` };
  if (ca && !parsesAsCertificates(ca)) return { problem: `Secret ${secret}: failed to parse CA certificate` };
  if (cert && key) {
    const pairProblem = keyPairProblem(cert, key);
    if (pairProblem)
      return { problem: `Secret ${secret}: failed to parse TLS certificate and key: ${pairProblem}` };
  }
  return { tls: { ...(ca ? { ca } : {}), ...(cert && key ? { cert, key } : {}) } };
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function parsesAsCertificates(pem: string): boolean {
  const blocks = pem.match(PEM_CERTIFICATE);
  if (!blocks) return false;
  try {
    for (const block of blocks) new X509Certificate(block);
    return true;
  } catch {
    return false;
  }
}

function keyPairProblem(cert: string, key: string): string | undefined {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    return 'the certificate is not PEM';
  }
  try {
    const privateKey = createPrivateKey(key);
    return certificate.checkPrivateKey(privateKey)
      ? undefined
      : 'the private key does not match the certificate';
  } catch {
    return 'the private key is not PEM';
  }
}

/** `invalid slack provider spec: address: required; token: …` as field and message pairs. */
function specProblems(message: string): { field: string; message: string }[] {
  const detail = message.replace(/^invalid \S+ provider spec: /, '');
  return detail.split('; ').map((part) => {
    const match = /^([\w.]+): (.*)$/s.exec(part);
    return match ? { field: match[1] as string, message: match[2] as string } : { field: '', message: part };
  });
}

const SECRET_FIELDS = new Set(['token', 'password', 'headers', 'secret']);

/** Where in the Provider a field of the flattened spec came from. */
function pathOfSpecField(field: string, provider: Provider): string {
  const top = field.split('.')[0] as string;
  const { spec } = provider;
  if (top === 'tls') return spec.certSecretRef ? 'spec.certSecretRef' : 'spec.secretRef';
  if (top === 'proxy')
    return spec.proxySecretRef ? 'spec.proxySecretRef' : spec.proxy ? 'spec.proxy' : 'spec.secretRef';
  if (SECRET_FIELDS.has(top)) return spec.secretRef ? 'spec.secretRef' : 'spec';
  if (top === 'address' || top === 'username')
    return spec[top] ? `spec.${top}` : spec.secretRef ? 'spec.secretRef' : 'spec';
  if (top === 'channel' || top === 'timeout') return `spec.${top}`;
  return 'spec';
}
