// Interim: replaced by the manifests module's providerSpecFromManifests once it lands.
import type { ProviderSpec } from '@notiflux/providers';
import type { ManifestIssue } from './manifest-error.js';
import { issueAt } from './source-positions.js';
import type { Provider, Secret } from './types.js';

export function providerSpecOf(
  provider: Provider,
  secrets: readonly Secret[],
): { spec?: ProviderSpec; issues: ManifestIssue[] } {
  const { name, namespace, uid } = provider.metadata;
  const shown = `Provider/${namespace}/${name}`;
  const issues: ManifestIssue[] = [];
  const dataOf = (field: 'secretRef' | 'certSecretRef' | 'proxySecretRef') => {
    const ref = provider.spec[field];
    if (!ref) return undefined;
    const secret = secrets.find((s) => s.metadata.namespace === namespace && s.metadata.name === ref.name);
    if (!secret) {
      issues.push(
        issueAt(
          provider,
          `spec.${field}.name`,
          `Secret ${JSON.stringify(ref.name)} not found in namespace ${JSON.stringify(namespace)}`,
          shown,
        ),
      );
      return undefined;
    }
    const data: Record<string, string> = {};
    for (const [key, value] of Object.entries(secret.data ?? {}))
      data[key] = Buffer.from(value, 'base64').toString('utf8');
    return { ...data, ...secret.stringData };
  };
  const secret = dataOf('secretRef');
  const cert = dataOf('certSecretRef');
  const proxySecret = dataOf('proxySecretRef');
  const { spec } = provider;
  let proxy = spec.proxy;
  if (proxySecret?.address) {
    const url = new URL(proxySecret.address);
    if (proxySecret.username) url.username = proxySecret.username;
    if (proxySecret.password) url.password = proxySecret.password;
    proxy = url.toString();
  }
  const tls = cert ? { ca: cert['ca.crt'], cert: cert['tls.crt'], key: cert['tls.key'] } : undefined;
  const result: ProviderSpec = {
    type: spec.type,
    ...(spec.address ? { address: spec.address } : {}),
    ...(spec.channel ? { channel: spec.channel } : {}),
    ...(spec.username ? { username: spec.username } : {}),
    ...(spec.timeout ? { timeout: spec.timeout } : {}),
    ...(proxy ? { proxy } : {}),
    ...(secret ? { secret } : {}),
    ...(tls ? { tls: Object.fromEntries(Object.entries(tls).filter(([, v]) => v !== undefined)) } : {}),
    provider: { ...(uid ? { uid } : {}), name, namespace },
  };
  return issues.length > 0 ? { issues } : { spec: result, issues };
}
