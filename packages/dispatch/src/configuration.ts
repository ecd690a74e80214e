import { createHash } from 'node:crypto';
import { NotifierError, type ProviderSpec, providerCategoryOf } from '@notiflux/providers';
import type { ProviderRef } from './delivery.js';
import {
  type CommitStatusExpression,
  compileCommitStatusExpression,
} from './delivery-rules/commit-status-id.js';
import type { Logger } from './dispatcher-types.js';
import { ManifestError, type ManifestIssue } from './manifests/manifest-error.js';
import { providerSpecOf } from './manifests/provider-spec-bridge.js';
import { issueAt } from './manifests/source-positions.js';
import type { Alert, Manifests, Provider } from './manifests/types.js';
import { AlertIndex } from './matching/alert-index.js';
import { type CompiledAlert, compileAlert } from './matching/compiled-alert.js';
import { re2Problem } from './matching/re2.js';
import type { AlertIdentity, Notifiers } from './notifiers.js';

/** A Provider as the dispatcher uses it. */
export interface ConfiguredProvider {
  provider: Provider;
  ref: ProviderRef;
  suspended: boolean;
  /** A git commit-status type: each delivery carries its commit status id. */
  setsCommitStatus: boolean;
  commitStatusExpr?: CommitStatusExpression;
}

export interface Configuration {
  index: AlertIndex;
  providerOf(alert: CompiledAlert): ConfiguredProvider;
}

/**
 * Checks the manifests all at once and makes every notifier: a ManifestError lists every
 * problem (structure, Provider references, Secrets, provider specs, expressions), so a
 * dispatcher never starts half-configured.
 */
export function configure(
  manifests: Manifests,
  notifiers: Notifiers,
  logger: Logger | undefined,
): Configuration {
  const issues: ManifestIssue[] = [];
  const providers = new Map<string, ConfiguredProvider>();
  const specs = new Map<string, ProviderSpec>();

  for (const provider of manifests.providers) {
    const { name, namespace } = provider.metadata;
    const shown = `Provider/${namespace}/${name}`;
    const { spec, issues: specIssues } = providerSpecOf(provider, manifests.secrets);
    issues.push(...specIssues);
    let commitStatusExpr: CommitStatusExpression | undefined;
    if (provider.spec.commitStatusExpr) {
      try {
        commitStatusExpr = compileCommitStatusExpression(provider.spec.commitStatusExpr);
      } catch (error) {
        issues.push(issueAt(provider, 'spec.commitStatusExpr', messageOf(error), shown));
      }
    }
    const ref = { name, namespace, type: provider.spec.type };
    providers.set(`${namespace}/${name}`, {
      provider,
      ref,
      suspended: provider.spec.suspend === true,
      setsCommitStatus: providerCategoryOf(provider.spec.type) === 'commit-status',
      ...(commitStatusExpr ? { commitStatusExpr } : {}),
    });
    if (!spec) continue;
    specs.set(`${namespace}/${name}`, spec);
    // otel notifiers are made per Alert, below.
    if (spec.type !== 'otel') addNotifier(notifiers, spec, provider, undefined, issues);
  }

  const compiled: CompiledAlert[] = [];
  for (const alert of manifests.alerts) {
    const { name, namespace } = alert.metadata;
    const shown = `Alert/${namespace}/${name}`;
    const key = `${namespace}/${alert.spec.providerRef.name}`;
    const provider = providers.get(key);
    if (!provider) {
      issues.push(
        issueAt(
          alert,
          'spec.providerRef.name',
          `Provider ${JSON.stringify(alert.spec.providerRef.name)} not found in namespace ${JSON.stringify(namespace)}`,
          shown,
        ),
      );
    }
    const spec = specs.get(key);
    if (provider && spec?.type === 'otel')
      addNotifier(notifiers, spec, provider.provider, alertIdentity(alert), issues);

    let expressionsValid = true;
    for (const list of ['inclusionList', 'exclusionList'] as const) {
      (alert.spec[list] ?? []).forEach((expression, at) => {
        const problem = re2Problem(expression);
        if (problem === undefined) return;
        expressionsValid = false;
        issues.push(
          issueAt(alert, `spec.${list}[${at}]`, `not an RE2 regular expression: ${problem}`, shown),
        );
      });
    }
    if (alert.spec.summary) {
      logger?.warn(
        { alert: { name, namespace } },
        'spec.summary is deprecated: use spec.eventMetadata.summary instead',
      );
    }
    if (expressionsValid) compiled.push(compileAlert(alert));
  }

  if (issues.length > 0) throw new ManifestError(issues);
  return {
    index: new AlertIndex(compiled),
    providerOf(alert) {
      const provider = providers.get(`${alert.ref.namespace}/${alert.alert.spec.providerRef.name}`);
      if (!provider)
        throw new Error(`unreachable: Alert ${alert.ref.namespace}/${alert.ref.name} has no Provider`);
      return provider;
    },
  };
}

/** Whether some Alert selects sources by labels: they need a `labels` lookup. */
export function usesMatchLabels(manifests: Manifests): boolean {
  return manifests.alerts.some((alert) =>
    (alert.spec.eventSources ?? []).some((source) => source.matchLabels !== undefined),
  );
}

function addNotifier(
  notifiers: Notifiers,
  spec: ProviderSpec,
  provider: Provider,
  alert: AlertIdentity | undefined,
  issues: ManifestIssue[],
): void {
  const { name, namespace } = provider.metadata;
  try {
    notifiers.add(spec, { name, namespace }, alert);
  } catch (error) {
    const shown = `Provider/${namespace}/${name}`;
    if (!(error instanceof NotifierError)) throw error;
    for (const { field, message } of specProblems(error, spec.type)) {
      const context = alert ? ` (for Alert ${alert.namespace}/${alert.name})` : '';
      issues.push(issueAt(provider, manifestPathOf(field, provider), `${message}${context}`, shown));
    }
  }
}

/** The Alert's identity for otel spans; an Alert written without a uid gets one derived from its name. */
function alertIdentity(alert: Alert): AlertIdentity {
  const { name, namespace, uid } = alert.metadata;
  return { name, namespace, uid: uid || derivedUid(`${namespace}/${name}`) };
}

function derivedUid(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** createNotifier's message, one problem per field: `invalid <type> provider spec: a: …; b: …`. */
function specProblems(error: NotifierError, type: string): { field?: string; message: string }[] {
  const prefix = `invalid ${type} provider spec: `;
  const detail = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return detail.split('; ').map((part) => {
    const match = /^([\w.[\]]+): (.*)$/s.exec(part);
    return match
      ? { field: match[1] as string, message: `${type}: ${part}` }
      : { message: `${type}: ${part}` };
  });
}

/** Where in the Provider manifest a spec field comes from. */
function manifestPathOf(field: string | undefined, provider: Provider): string {
  const top = field?.split('.')[0];
  switch (top) {
    case 'address':
    case 'channel':
    case 'username':
    case 'timeout':
      return provider.spec[top] !== undefined || !provider.spec.secretRef ? `spec.${top}` : 'spec.secretRef';
    case 'proxy':
      return provider.spec.proxySecretRef ? 'spec.proxySecretRef' : 'spec.proxy';
    case 'tls':
      return provider.spec.certSecretRef ? 'spec.certSecretRef' : 'spec.secretRef';
    case 'commitStatus':
      return 'spec.commitStatusExpr';
    case 'token':
    case 'password':
    case 'headers':
    case 'secret':
      return 'spec.secretRef';
    default:
      return 'spec';
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
