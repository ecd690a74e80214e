import { createRequire } from 'node:module';

// `yaml` costs ~30 ms to import; only specs whose Secret carries `headers` pay for it.
const requireFromHere = createRequire(import.meta.url);

export class SecretHeadersError extends Error {}

/**
 * A Flux Secret's `headers` key: a YAML map of header name to value, read the way
 * `sigs.k8s.io/yaml` does (YAML 1.1, so `yes` becomes `true`; scalars become strings).
 * Messages never quote the YAML, whose values are usually credentials.
 */
export function parseSecretHeaders(text: string): Record<string, string> {
  const { parseDocument } = requireFromHere('yaml') as typeof import('yaml');
  // Silent: yaml would otherwise print warnings quoting the document, i.e. the credentials.
  const parsed = parseDocument(text, { version: '1.1', logLevel: 'silent' });
  if (parsed.errors.length > 0 || parsed.warnings.length > 0) {
    throw new SecretHeadersError('must be a YAML map of header names to values (it does not parse as YAML)');
  }
  const document: unknown = parsed.toJS();
  if (document === null || document === undefined) return {};
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw new SecretHeadersError('must be a YAML map of header names to values');
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(document)) {
    if (value === null || value === undefined) headers[name] = '';
    else if (typeof value === 'object') {
      throw new SecretHeadersError(
        `the value of ${JSON.stringify(name)} must be a string, not a nested map or list`,
      );
    } else headers[name] = String(value);
  }
  return headers;
}
