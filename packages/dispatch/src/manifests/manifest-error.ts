/** One problem in the manifests: where it is and what is wrong. */
export interface ManifestIssue {
  /** The file the text came from, when the loader was told (`loadManifests(text, { file })`). */
  file?: string;
  /** 1-based line in the YAML text, when the object came from YAML. */
  line?: number;
  /** 0-based index of the YAML document (or of the object in the list given). */
  document?: number;
  /** `Kind/namespace/name`, when the object has got that far. */
  object?: string;
  /** The field path, e.g. `spec.eventSources[0].kind`. */
  path?: string;
  message: string;
}

/**
 * Invalid manifests: every problem found, together. The message lists them one per line, each
 * naming the file and line (for YAML), the document, the object and the field.
 */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  readonly issues: readonly ManifestIssue[];

  constructor(issues: readonly ManifestIssue[]) {
    super(formatIssues(issues));
    this.issues = issues;
  }
}

export function formatIssue(issue: ManifestIssue): string {
  const where = [
    issue.file === undefined
      ? undefined
      : issue.line === undefined
        ? issue.file
        : `${issue.file}:${issue.line}`,
    issue.file === undefined && issue.line !== undefined ? `line ${issue.line}` : undefined,
    issue.document === undefined ? undefined : `document ${issue.document}`,
    issue.object,
  ].filter((part): part is string => part !== undefined);
  const field = issue.path === undefined ? '' : `${issue.path}: `;
  return `${where.length > 0 ? `${where.join(', ')}: ` : ''}${field}${issue.message}`;
}

function formatIssues(issues: readonly ManifestIssue[]): string {
  if (issues.length === 1) return `invalid manifests: ${formatIssue(issues[0] as ManifestIssue)}`;
  return `invalid manifests (${issues.length} problems):\n${issues.map((issue) => `  - ${formatIssue(issue)}`).join('\n')}`;
}
