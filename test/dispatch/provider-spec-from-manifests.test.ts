import {
  loadManifests,
  ManifestError,
  type Manifests,
  type Provider,
  providerSpecFromManifests,
  type Secret,
  secretData,
} from '@notiflux/dispatch';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestPki, type TestPki } from '../support/test-certificates.js';

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;
const base64 = (text: string) => Buffer.from(text).toString('base64');
const indent = (text: string, spaces: number) =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => `${' '.repeat(spaces)}${line}`)
    .join('\n');

function load(...documents: string[]): Manifests {
  return loadManifests(documents.join('---\n'), { namespace: 'flux-system', file: 'flux.yaml' });
}

function provider(...spec: string[]): string {
  return yaml(
    'apiVersion: notification.toolkit.fluxcd.io/v1beta3',
    'kind: Provider',
    'metadata: { name: hook, uid: 0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a }',
    'spec:',
    ...spec,
  );
}

function secret(name: string, ...fields: string[]): string {
  return yaml('apiVersion: v1', 'kind: Secret', `metadata: { name: ${name} }`, ...fields);
}

function specOf(manifests: Manifests) {
  return providerSpecFromManifests(manifests.providers[0] as Provider, manifests.secrets);
}

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
});

describe('secretData', () => {
  it('decodes data and lets stringData win key by key', () => {
    const [loaded] = load(
      secret(
        's',
        'data:',
        `  token: ${base64('from-data')}`,
        `  address: ${base64('https://a.example')}`,
        'stringData:',
        '  token: from-stringData',
      ),
    ).secrets as [Secret];
    expect(secretData(loaded)).toEqual({ token: 'from-stringData', address: 'https://a.example' });
  });

  it('throws a ManifestError naming the key for a Secret written in JavaScript with bad base64', () => {
    const object: Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'ns' },
      data: { token: 'no!' },
    };
    expect(() => secretData(object)).toThrowError(ManifestError);
    expect(() => secretData(object)).toThrowError('Secret/ns/s: data.token: is not valid base64');
  });
});

describe('providerSpecFromManifests', () => {
  it('maps the spec fields, the identity, the timeout and secretRef data', () => {
    const result = specOf(
      load(
        provider(
          '  type: slack',
          '  channel: general',
          '  username: flux',
          '  address: https://hooks.slack.com/services/spec',
          '  proxy: http://spec-proxy:3128',
          '  timeout: 45s',
          '  secretRef: { name: slack }',
        ),
        secret(
          'slack',
          'stringData:',
          '  address: https://hooks.slack.com/services/secret',
          '  token: xoxb-1',
        ),
      ),
    );
    expect(result.issues).toEqual([]);
    expect(result.spec).toEqual({
      type: 'slack',
      provider: { uid: '0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a', name: 'hook', namespace: 'flux-system' },
      channel: 'general',
      username: 'flux',
      address: 'https://hooks.slack.com/services/spec',
      proxy: 'http://spec-proxy:3128',
      timeout: '45s',
      secret: { address: 'https://hooks.slack.com/services/secret', token: 'xoxb-1' },
    });
    expect(result.spec).not.toHaveProperty('commitStatus');
  });

  it('makes proxySecretRef the proxy, with its credentials, over the Secret proxy key and spec.proxy', () => {
    const result = specOf(
      load(
        provider(
          '  type: generic',
          '  address: https://example.com/hook',
          '  proxy: http://spec-proxy:3128',
          '  secretRef: { name: main }',
          '  proxySecretRef: { name: proxy }',
        ),
        secret('main', 'stringData:', '  proxy: http://secret-proxy:3128', '  token: t'),
        secret(
          'proxy',
          'stringData:',
          '  address: http://proxy.internal:8080',
          '  username: us er',
          '  password: p@ss',
        ),
      ),
    );
    expect(result.issues).toEqual([]);
    expect(result.spec.proxy).toBe('http://us%20er:p%40ss@proxy.internal:8080/');
    expect(result.spec.secret).toEqual({ token: 't' });
  });

  it('takes the proxy address alone when the proxy Secret has no username, and ignores a lone password', () => {
    const result = specOf(
      load(
        provider(
          '  type: generic',
          '  address: https://example.com/hook',
          '  proxySecretRef: { name: proxy }',
        ),
        secret('proxy', 'stringData:', '  address: " https://proxy.internal:8443 "', '  password: alone'),
      ),
    );
    expect(result.issues).toEqual([]);
    expect(result.spec.proxy).toBe('https://proxy.internal:8443');
  });

  it('builds tls from certSecretRef: ca.crt, tls.crt with tls.key, and the older caFile', async () => {
    const caOnly = specOf(
      load(
        provider('  type: generic', '  address: https://example.com/hook', '  certSecretRef: { name: ca }'),
        secret('ca', 'data:', `  ca.crt: ${base64(pki.ca.cert)}`),
      ),
    );
    expect(caOnly.issues).toEqual([]);
    expect(caOnly.spec.tls).toEqual({ ca: pki.ca.cert });

    const mutual = specOf(
      load(
        provider('  type: generic', '  address: https://example.com/hook', '  certSecretRef: { name: mtls }'),
        secret(
          'mtls',
          'type: kubernetes.io/tls',
          'stringData:',
          '  ca.crt: |',
          indent(pki.ca.cert, 4),
          '  tls.crt: |',
          indent(pki.client.cert, 4),
          '  tls.key: |',
          indent(pki.client.key, 4),
        ),
      ),
    );
    expect(mutual.issues).toEqual([]);
    expect(mutual.spec.tls?.cert?.trim()).toBe(pki.client.cert.trim());
    expect(mutual.spec.tls?.key?.trim()).toBe(pki.client.key.trim());

    const legacy = specOf(
      load(
        provider(
          '  type: generic',
          '  address: https://example.com/hook',
          '  certSecretRef: { name: legacy }',
        ),
        secret('legacy', 'data:', `  caFile: ${base64(pki.ca.cert)}`),
      ),
    );
    expect(legacy.issues).toEqual([]);
    expect(legacy.spec.tls).toEqual({ ca: pki.ca.cert });
  });

  it.each([
    [
      'a certificate without its key',
      (p: TestPki) => [`  tls.crt: ${base64(p.client.cert)}`],
      "Secret flux-system/certs contains 'tls.crt' but missing 'tls.key'",
    ],
    [
      'a key without its certificate',
      (p: TestPki) => [`  tls.key: ${base64(p.client.key)}`],
      "Secret flux-system/certs contains 'tls.key' but missing 'tls.crt'",
    ],
    [
      'neither',
      () => [`  other: ${base64('x')}`],
      "Secret flux-system/certs must contain either 'ca.crt' or both 'tls.crt' and 'tls.key'",
    ],
    [
      'a CA that is not PEM',
      () => [`  ca.crt: ${base64('not a certificate')}`],
      'Secret flux-system/certs: failed to parse CA certificate',
    ],
    [
      'a key that does not match the certificate',
      (p: TestPki) => [`  tls.crt: ${base64(p.client.cert)}`, `  tls.key: ${base64(p.server.key)}`],
      'Secret flux-system/certs: failed to parse TLS certificate and key: the private key does not match the certificate',
    ],
  ])('reports a cert Secret with %s at spec.certSecretRef', (_, data, message) => {
    const result = specOf(
      load(
        provider(
          '  type: generic',
          '  address: https://example.com/hook',
          '  certSecretRef: { name: certs }',
        ),
        secret('certs', 'data:', ...data(pki)),
      ),
    );
    expect(result.issues).toEqual([
      {
        file: 'flux.yaml',
        line: 7,
        document: 0,
        object: 'Provider/flux-system/hook',
        path: 'spec.certSecretRef',
        message,
      },
    ]);
  });

  it('reports every missing Secret at its reference, at once', () => {
    const result = specOf(
      load(
        provider(
          '  type: generic',
          '  address: https://example.com/hook',
          '  secretRef:',
          '    name: gone',
          '  certSecretRef: { name: no-ca }',
          '  proxySecretRef: { name: no-proxy }',
        ),
      ),
    );
    expect(result.issues.map((issue) => [issue.line, issue.path, issue.message])).toEqual([
      [8, 'spec.secretRef.name', 'Secret flux-system/gone not found'],
      [10, 'spec.proxySecretRef.name', 'Secret flux-system/no-proxy not found'],
      [9, 'spec.certSecretRef.name', 'Secret flux-system/no-ca not found'],
    ]);
  });

  it.each([
    ['no address key', ['  username: u'], "Secret flux-system/proxy has no 'address' key"],
    ['an empty address', ['  address: "  "'], 'Secret flux-system/proxy: the proxy address is empty'],
    [
      'a socks5 proxy',
      ['  address: socks5://proxy:1080'],
      'Secret flux-system/proxy: socks5 proxies are not supported, only http and https',
    ],
    [
      'another scheme',
      ['  address: ftp://proxy'],
      "Secret flux-system/proxy: the proxy URL must use one of the supported schemes (http, https), got 'ftp'",
    ],
  ])('reports a proxy Secret with %s', (_, data, message) => {
    const result = specOf(
      load(
        provider(
          '  type: generic',
          '  address: https://example.com/hook',
          '  proxySecretRef: { name: proxy }',
        ),
        secret('proxy', 'stringData:', ...data),
      ),
    );
    expect(result.issues.map((issue) => [issue.line, issue.path, issue.message])).toEqual([
      [7, 'spec.proxySecretRef', message],
    ]);
  });

  it('reports serviceAccountName, which has no meaning outside Kubernetes', () => {
    const result = specOf(
      load(
        provider(
          '  type: googlepubsub',
          '  address: my-project',
          '  channel: topic',
          '  serviceAccountName: flux',
        ),
      ),
    );
    expect(result.issues.map((issue) => [issue.line, issue.path])).toEqual([[8, 'spec.serviceAccountName']]);
    expect(result.issues[0]?.message).toMatch(/not available outside Kubernetes/);
  });

  it("reports what the type needs and the Secret lacks, at the Provider's secretRef", () => {
    const result = specOf(
      load(
        provider('  type: telegram', '  channel: "@flux"', '  secretRef: { name: telegram }'),
        secret('telegram', 'stringData:', '  note: no token here'),
      ),
    );
    expect(result.issues).toEqual([
      {
        file: 'flux.yaml',
        line: 7,
        document: 0,
        object: 'Provider/flux-system/hook',
        path: 'spec.secretRef',
        message: 'token: required (the bot token)',
      },
    ]);
    const unchecked = providerSpecFromManifests(
      load(provider('  type: telegram', '  channel: "@flux"')).providers[0] as Provider,
      [],
      { validate: false },
    );
    expect(unchecked.issues).toEqual([]);
  });

  it('reports a bad address of the spec at spec.address', () => {
    const result = specOf(load(provider('  type: generic', '  address: ftp://example.com')));
    expect(result.issues.map((issue) => [issue.line, issue.path, issue.message])).toEqual([
      [6, 'spec.address', 'must be an absolute http(s) URL'],
    ]);
  });

  it('accepts a lookup function and reads Secrets in the Provider namespace only', () => {
    const manifests = load(
      provider('  type: generic', '  address: https://example.com/hook', '  secretRef: { name: s }'),
    );
    const asked: string[] = [];
    const result = providerSpecFromManifests(manifests.providers[0] as Provider, (namespace, name) => {
      asked.push(`${namespace}/${name}`);
      return {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace },
        stringData: { token: 'hmac' },
      };
    });
    expect(asked).toEqual(['flux-system/s']);
    expect(result.spec.secret).toEqual({ token: 'hmac' });
  });
});
