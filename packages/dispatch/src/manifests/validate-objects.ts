import {
  alertSchemas,
  FLUX_GROUP,
  FLUX_VERSIONS,
  type FluxVersion,
  isCommitStatusType,
  providerSchemas,
  secretSchema,
} from './crd-schemas.js';
import { checkFields, isPlainObject, type ObjectRule } from './field-rules.js';
import type { ManifestIssue } from './manifest-error.js';
import { issueAt, sourceOf } from './source-positions.js';
import type { Manifests } from './types.js';

type ObjectKind = 'Provider' | 'Alert' | 'Secret';

/**
 * The structural checks of every object, whether it was loaded from YAML or written in
 * JavaScript: known fields only, value types and formats, regexes, CEL expressions, provider
 * types, base64, and no two objects of one kind with the same namespace and name. Issues of
 * loaded objects carry their file and line.
 */
export function validateManifestObjects(manifests: Manifests): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  const lists: [ObjectKind, readonly unknown[] | undefined][] = [
    ['Provider', manifests.providers],
    ['Alert', manifests.alerts],
    ['Secret', manifests.secrets],
  ];
  // Where each object was first seen, to point at both places of a duplicate.
  const seen = new Map<string, { file?: string; line?: number }>();
  for (const [kind, objects] of lists) {
    if (objects === undefined) continue;
    if (!Array.isArray(objects)) {
      issues.push({ message: `${listName(kind)} must be an array of ${kind} objects` });
      continue;
    }
    objects.forEach((object, index) => {
      if (!isPlainObject(object)) {
        issues.push({ document: index, message: `${listName(kind)}[${index}] must be a ${kind} object` });
        return;
      }
      const name = objectName(kind, object);
      const report = reporter(object, name, index, issues);
      checkObject(kind, object, report);
      const first = name.includes('/?') ? undefined : seen.get(name);
      if (first) {
        const where =
          first.file || first.line ? ` (first at ${[first.file, first.line].filter(Boolean).join(':')})` : '';
        report('metadata.name', `${name} is defined twice${where}`);
      } else if (!name.includes('/?')) {
        const { file, line } = issueAt(object, 'metadata.name', '', name);
        seen.set(name, { ...(file === undefined ? {} : { file }), ...(line === undefined ? {} : { line }) });
      }
    });
  }
  return issues;
}

function listName(kind: ObjectKind): string {
  return kind === 'Provider' ? 'providers' : kind === 'Alert' ? 'alerts' : 'secrets';
}

type Reporter = (path: string, message: string) => void;

function reporter(object: object, name: string, index: number, issues: ManifestIssue[]): Reporter {
  const fromYaml = sourceOf(object) !== undefined;
  return (path, message) => {
    const issue = issueAt(object, path, message, name);
    issues.push(fromYaml ? issue : { ...issue, document: index });
  };
}

/** `Kind/namespace/name` as far as the object says it. */
export function objectName(kind: string, object: Record<string, unknown>): string {
  const metadata = isPlainObject(object.metadata) ? object.metadata : {};
  const part = (value: unknown) => (typeof value === 'string' && value !== '' ? value : '?');
  return `${kind}/${part(metadata.namespace)}/${part(metadata.name)}`;
}

function checkObject(kind: ObjectKind, object: Record<string, unknown>, report: Reporter): void {
  if (object.kind !== kind) {
    report('kind', `must be "${kind}", got ${JSON.stringify(object.kind)}`);
    return;
  }
  const schema = schemaOf(kind, object.apiVersion, report);
  if (!schema) return;
  checkFields(object, schema, '', report);
  if (kind === 'Provider') checkProviderRules(object, report);
}

function schemaOf(kind: ObjectKind, apiVersion: unknown, report: Reporter): ObjectRule | undefined {
  if (kind === 'Secret') {
    if (apiVersion === 'v1') return secretSchema;
    report('apiVersion', `must be "v1" for a Secret, got ${JSON.stringify(apiVersion)}`);
    return undefined;
  }
  const version = fluxVersionOf(apiVersion);
  if (version) return (kind === 'Provider' ? providerSchemas : alertSchemas)[version];
  const supported = FLUX_VERSIONS.map((item) => `${FLUX_GROUP}/${item}`).join(', ');
  report('apiVersion', `must be one of ${supported}, got ${JSON.stringify(apiVersion)}`);
  return undefined;
}

export function fluxVersionOf(apiVersion: unknown): FluxVersion | undefined {
  if (typeof apiVersion !== 'string' || !apiVersion.startsWith(`${FLUX_GROUP}/`)) return undefined;
  const version = apiVersion.slice(FLUX_GROUP.length + 1);
  return (FLUX_VERSIONS as readonly string[]).includes(version) ? (version as FluxVersion) : undefined;
}

/** The CRD's rule across fields: a `commitStatusExpr` only on the commit-status types. */
function checkProviderRules(object: Record<string, unknown>, report: Reporter): void {
  const spec = isPlainObject(object.spec) ? object.spec : undefined;
  if (!spec || typeof spec.type !== 'string') return;
  if (
    typeof spec.commitStatusExpr === 'string' &&
    spec.commitStatusExpr !== '' &&
    !isCommitStatusType(spec.type)
  ) {
    report(
      'spec.commitStatusExpr',
      "is only supported for the 'github', 'gitlab', 'gitea', 'bitbucketserver', 'bitbucket', 'azuredevops' provider types",
    );
  }
}
