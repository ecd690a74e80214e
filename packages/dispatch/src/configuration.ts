import { createHash } from 'node:crypto';
import { NotifierError, type ProviderSpec, providerCategoryOf } from '@notiflux/providers';
import { type CommitStatusExpr, compileCommitStatusExpr } from './cel/commit-status-expr.js';
import type { ProviderRef } from './delivery.js';
import { ManifestError, type ManifestIssue } from './manifests/manifest-error.js';
import { providerSpecFromManifests, secretLookup } from './manifests/provider-spec-from-manifests.js';
import { issueAt } from './manifests/source-positions.js';
import type { Alert, Manifests, Provider } from './manifests/types.js';
import { validateManifestObjects } from './manifests/validate-objects.js';
import { AlertIndex } from './matching/alert-index.js';
import { type CompiledAlert, compileAlert } from './matching/compiled-alert.js';
import type { AlertIdentity, Notifiers } from './notifiers.js';

/** A Provider as the dispatcher uses it. */
export interface ConfiguredProvider {
  provider: Provider;
  ref: ProviderRef;
  suspended: boolean;
  /** A git commit-status type: each delivery carries its commit status id. */
  setsCommitStatus: boolean;
  commitStatusExpr?: CommitStatusExpr;
}

export interface Configuration {
  index: AlertIndex;
  providerOf(alert: CompiledAlert): ConfiguredProvider;
}

/**
 * Checks the manifests all at once and makes every notifier: a ManifestError lists every
 * problem (structure, expressions, Provider references, Secrets, provider specs), so a
 * dispatcher never starts half-configured. Objects with structural problems are not checked
 * further: their other fields cannot be trusted.
 */
export function configure(manifests: Manifests, notifiers: Notifiers): Configuration {
  const structural = validateManifestObjects(manifests);
  if (structural.length > 0) throw new ManifestError(structural);

  const issues: ManifestIssue[] = [];
  const secrets = secretLookup(manifests.secrets ?? []);
  const providers = new Map<string, ConfiguredProvider>();
  const specs = new Map<string, ProviderSpec>();

  for (const provider of manifests.providers ?? []) {
    const { name, namespace } = provider.metadata;
    const key = `${namespace}/${name}`;
    const otel = provider.spec.type === 'otel';
    // otel's spec is checked per Alert below: its span identity is the Alert's.
    const { spec, issues: specIssues } = providerSpecFromManifests(provider, secrets, { validate: !otel });
    issues.push(...specIssues);
    const commitStatusExpr = provider.spec.commitStatusExpr
      ? compileCommitStatusExpr(provider.spec.commitStatusExpr)
      : undefined;
    providers.set(key, {
      provider,
      // Frozen: every delivery to this Provider, queued ones included, holds this same object.
      ref: Object.freeze({ name, namespace, type: provider.spec.type }),
      suspended: provider.spec.suspend === true,
      setsCommitStatus: providerCategoryOf(provider.spec.type) === 'commit-status',
      ...(commitStatusExpr ? { commitStatusExpr } : {}),
    });
    if (specIssues.length > 0) continue;
    specs.set(key, spec);
    if (!otel) addNotifier(notifiers, spec, provider, undefined, issues);
  }

  const compiled: CompiledAlert[] = [];
  for (const alert of manifests.alerts ?? []) {
    const { name, namespace } = alert.metadata;
    const key = `${namespace}/${alert.spec.providerRef.name}`;
    const provider = providers.get(key);
    if (!provider) {
      issues.push(
        issueAt(
          alert,
          'spec.providerRef.name',
          `Provider ${namespace}/${alert.spec.providerRef.name} not found (an Alert's Provider is in its own namespace)`,
          `Alert/${namespace}/${name}`,
        ),
      );
      continue;
    }
    const spec = specs.get(key);
    if (spec?.type === 'otel') addNotifier(notifiers, spec, provider.provider, alertIdentity(alert), issues);
    compiled.push(compileAlert(alert));
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
  return (manifests.alerts ?? []).some((alert) =>
    (alert.spec.eventSources ?? []).some((source) => source.matchLabels !== undefined),
  );
}

/** Makes the notifier; createNotifier's refusal becomes an issue on the Provider. */
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
    if (!(error instanceof NotifierError)) throw error;
    const context = alert ? ` (as the notifier of Alert ${alert.namespace}/${alert.name})` : '';
    issues.push(issueAt(provider, 'spec', `${error.message}${context}`, `Provider/${namespace}/${name}`));
  }
}

/** The Alert's identity for otel spans; an Alert written without a uid gets one derived from its name. */
function alertIdentity(alert: Alert): AlertIdentity {
  const { name, namespace, uid } = alert.metadata;
  return { name, namespace, uid: uid || derivedUid(`${namespace}/${name}`) };
}

/** A stable UUID-shaped id: the same Alert gets the same trace ids across restarts. */
function derivedUid(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
