import { BASE64 } from './crd-schemas.js';
import { fieldPath } from './field-path.js';
import { isPlainObject } from './field-rules.js';
import { ManifestError } from './manifest-error.js';
import { issueAt } from './source-positions.js';
import type { Secret } from './types.js';

/**
 * A Secret's values as text: `data` decoded from base64 (UTF-8), `stringData` over it key by
 * key, as Kubernetes merges them. Throws `ManifestError` on a value that is not base64.
 */
export function secretData(secret: Secret): Record<string, string> {
  const values: Record<string, string> = {};
  const name = `Secret/${secret.metadata?.namespace ?? '?'}/${secret.metadata?.name ?? '?'}`;
  if (isPlainObject(secret.data)) {
    for (const [key, encoded] of Object.entries(secret.data)) {
      const compact = typeof encoded === 'string' ? encoded.replace(/[\r\n]/g, '') : undefined;
      if (compact === undefined || !BASE64.test(compact)) {
        throw new ManifestError([issueAt(secret, fieldPath('data', key), 'is not valid base64', name)]);
      }
      values[key] = Buffer.from(compact, 'base64').toString('utf8');
    }
  }
  if (isPlainObject(secret.stringData)) {
    for (const [key, value] of Object.entries(secret.stringData)) {
      if (typeof value === 'string') values[key] = value;
    }
  }
  return values;
}
