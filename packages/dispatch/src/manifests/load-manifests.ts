import { isMap, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import { CURRENT_API_VERSION, FLUX_GROUP } from './crd-schemas.js';
import { isPlainObject } from './field-rules.js';
import { ManifestError, type ManifestIssue } from './manifest-error.js';
import { recordSource, type SourcePosition, sourceOf } from './source-positions.js';
import type { Alert, Manifests, Provider, Secret } from './types.js';
import { objectName, validateManifestObjects } from './validate-objects.js';
import { fieldLines, lineOf } from './yaml-positions.js';

export interface LoadOptions {
  /** Namespace of objects that name none; default `default`. */
  namespace?: string;
  /** Named in every issue, so a message points at `file:line`. */
  file?: string;
}

/**
 * Flux Provider, Alert and Secret objects from multi-document YAML (or JSON). Other kinds are
 * left out, `List`s opened, v1beta1 and v1beta2 objects converted to v1beta3. Every problem of
 * the text is collected and thrown together as a `ManifestError`.
 */
export function loadManifests(text: string | Uint8Array, options: LoadOptions = {}): Manifests {
  const { manifests, issues } = readManifests(text, options);
  if (issues.length > 0) throw new ManifestError(issues);
  return manifests;
}

/** `loadManifests` without the throw: the objects that could be read and every issue. */
export function readManifests(
  text: string | Uint8Array,
  options: LoadOptions = {},
): { manifests: Manifests; issues: ManifestIssue[] } {
  const source = typeof text === 'string' ? text : new TextDecoder().decode(text);
  const found: Manifests = { providers: [], alerts: [], secrets: [] };
  const issues: ManifestIssue[] = [];
  const lines = new LineCounter();
  const file = options.file === undefined ? {} : { file: options.file };
  const documents = parseAllDocuments(source, { lineCounter: lines, merge: true, uniqueKeys: true });
  const list = Array.isArray(documents) ? documents : [];
  list.forEach((document, index) => {
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        const line = error.linePos?.[0]?.line;
        issues.push({
          ...file,
          ...(line === undefined ? {} : { line }),
          document: index,
          message: `invalid YAML: ${error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
        });
      }
      return;
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 1000 });
    } catch (error) {
      issues.push({ ...file, document: index, message: `invalid YAML: ${(error as Error).message}` });
      return;
    }
    const at = (node: Node | null | undefined): SourcePosition => ({
      ...file,
      document: index,
      ...(lineOf(node, lines) === undefined ? {} : { line: lineOf(node, lines) }),
      fieldLines: fieldLines(node, lines),
    });
    collect(value, document.contents as Node | null, at, options, found, issues);
  });
  issues.push(...validateManifestObjects(found));
  if (issues.length > 0) return { manifests: found, issues: sortIssues(issues) };
  return { manifests: convert(found), issues };
}

function collect(
  value: unknown,
  node: Node | null | undefined,
  at: (node: Node | null | undefined) => SourcePosition,
  options: LoadOptions,
  found: Manifests,
  issues: ManifestIssue[],
): void {
  if (value === null || value === undefined) return;
  const position = at(node);
  if (!isPlainObject(value)) {
    issues.push({
      ...issueBase(position),
      message: `a document must be a mapping (a Kubernetes object), got ${Array.isArray(value) ? 'a list' : typeof value}`,
    });
    return;
  }
  const { kind, apiVersion } = value;
  if (typeof kind === 'string' && /List$/.test(kind) && Array.isArray(value.items)) {
    const itemsNode = isMap(node) ? (node.get('items', true) as Node | undefined) : undefined;
    value.items.forEach((item, index) => {
      const itemNode = isSeq(itemsNode) ? (itemsNode.items[index] as Node | undefined) : undefined;
      collect(item, itemNode, at, options, found, issues);
    });
    return;
  }
  const group = typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const problem = (path: string, message: string) =>
    issues.push({
      ...issueBase(position),
      ...lineFor(position, path),
      ...(typeof kind === 'string' ? { object: objectName(kind, value) } : {}),
      path,
      message,
    });
  if (apiVersion === undefined && (kind === 'Provider' || kind === 'Alert' || kind === 'Secret')) {
    problem('apiVersion', 'is required');
    return;
  }
  if (group === FLUX_GROUP) {
    if (kind === 'Receiver') return;
    if (kind !== 'Provider' && kind !== 'Alert') {
      problem(
        'kind',
        `must be Provider or Alert (or Receiver, which is left out), got ${JSON.stringify(kind)}`,
      );
      return;
    }
  } else if (kind === 'Secret' && group === '') {
    // Core group: a Secret, whatever the version says; a wrong version is reported by the checks.
  } else {
    return;
  }
  if (
    isPlainObject(value.metadata) &&
    (value.metadata.namespace === undefined || value.metadata.namespace === null)
  ) {
    value.metadata.namespace = options.namespace ?? 'default';
  }
  recordSource(value, position);
  if (kind === 'Provider') found.providers.push(value as unknown as Provider);
  else if (kind === 'Alert') found.alerts.push(value as unknown as Alert);
  else found.secrets.push(value as unknown as Secret);
}

/** An issue placed where `position` says, its message still to be filled in. */
function issueBase(position: SourcePosition): ManifestIssue {
  return {
    ...(position.file === undefined ? {} : { file: position.file }),
    ...(position.line === undefined ? {} : { line: position.line }),
    ...(position.document === undefined ? {} : { document: position.document }),
    message: '',
  };
}

function lineFor(position: SourcePosition, path: string): { line?: number } {
  const line = position.fieldLines?.get(path) ?? position.line;
  return line === undefined ? {} : { line };
}

function sortIssues(issues: ManifestIssue[]): ManifestIssue[] {
  return issues
    .map((issue, order) => ({ issue, order }))
    .sort(
      (a, b) =>
        (a.issue.document ?? -1) - (b.issue.document ?? -1) ||
        (a.issue.line ?? 0) - (b.issue.line ?? 0) ||
        a.order - b.order,
    )
    .map(({ issue }) => issue);
}

/** The checked objects in the v1beta3 shape: nulls dropped, `status` left out, CRD defaults filled in. */
function convert(found: Manifests): Manifests {
  return {
    providers: found.providers.map((provider) =>
      keepSource(provider, {
        apiVersion: CURRENT_API_VERSION,
        kind: 'Provider',
        metadata: withoutNulls(provider.metadata),
        spec: withoutNulls(provider.spec),
      } as Provider),
    ),
    alerts: found.alerts.map((alert) =>
      keepSource(alert, {
        apiVersion: CURRENT_API_VERSION,
        kind: 'Alert',
        metadata: withoutNulls(alert.metadata),
        spec: { eventSeverity: 'info', ...withoutNulls(alert.spec) },
      } as Alert),
    ),
    secrets: found.secrets.map((secret) => keepSource(secret, withoutNulls(secret) as unknown as Secret)),
  };
}

function keepSource<T extends object>(from: object, to: T): T {
  const position = sourceOf(from);
  if (position) recordSource(to, position);
  return to;
}

/** A copy without `null` fields (Kubernetes reads them as unset), deep. */
function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutNulls) as T;
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== null && item !== undefined) copy[key] = withoutNulls(item);
  }
  return copy as T;
}
