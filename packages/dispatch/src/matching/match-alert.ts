import type { Event } from '@notiflux/providers';
import type { AlertExplanation } from '../dispatcher-types.js';
import type { CompiledAlert, EventSource } from './compiled-alert.js';

/** The labels of the event's object, looked up at most once per event. */
export type ObjectLabels = () => Promise<LabelsOutcome>;

export type LabelsOutcome =
  | { labels: Record<string, string> }
  /** The object's labels are not known: no lookup was given, or it failed or found nothing. */
  | { unknown: string };

export type AlertMatch =
  | { matched: true; detail: string }
  | { matched: false; failed: NonNullable<AlertExplanation['failed']>; detail: string };

/**
 * Whether `alert` takes `event`: not suspended, some event source matches (namespace and kind,
 * then severity, then name, then labels), some inclusion expression matches the message when
 * there are any, and no exclusion expression does. The detail says which source, severity or
 * expression decided.
 */
export async function matchAlert(
  alert: CompiledAlert,
  event: Event,
  labels: ObjectLabels,
): Promise<AlertMatch> {
  if (alert.alert.spec.suspend)
    return { matched: false, failed: 'suspended', detail: 'the Alert is suspended' };

  const source = await matchSources(alert, event, labels);
  if (!source.matched) return source;

  const { message } = event;
  let included = '';
  if (alert.inclusion.length > 0) {
    const inclusion = alert.inclusion.find((expression) => expression.test(message));
    if (!inclusion) {
      return {
        matched: false,
        failed: 'inclusion',
        detail: `the message matches no inclusionList expression (${alert.inclusion.map((e) => quote(e.source)).join(', ')})`,
      };
    }
    included = `, the message matches inclusionList ${quote(inclusion.source)}`;
  }
  const exclusion = alert.exclusion.find((expression) => expression.test(message));
  if (exclusion) {
    return {
      matched: false,
      failed: 'exclusion',
      detail: `the message matches exclusionList ${quote(exclusion.source)}`,
    };
  }
  return { matched: true, detail: `${source.detail}${included}` };
}

/** How far one source got: the furthest of all sources explains a miss. */
type SourceOutcome =
  | { matched: true; detail: string }
  | { matched: false; failed: 'source' | 'severity' | 'labels'; detail: string };

const RANK = { source: 0, severity: 1, labels: 2 } as const;

async function matchSources(alert: CompiledAlert, event: Event, labels: ObjectLabels): Promise<AlertMatch> {
  const object = event.involvedObject;
  let best: SourceOutcome | undefined;
  for (const source of alert.sources) {
    const outcome = await matchSource(alert, source, event, labels);
    if (outcome.matched) return outcome;
    if (!best || (!best.matched && RANK[outcome.failed] > RANK[best.failed])) best = outcome;
  }
  if (best && !best.matched && best.failed !== 'source') return best;
  const shown = `${object.kind}/${object.namespace ?? ''}/${object.name}`;
  const sources = alert.sources.map((source) => source.shown).join(', ');
  return {
    matched: false,
    failed: 'source',
    detail:
      alert.sources.length === 0
        ? 'the Alert has no event sources'
        : `no event source matches ${shown} (sources: ${sources})`,
  };
}

async function matchSource(
  alert: CompiledAlert,
  source: EventSource,
  event: Event,
  labels: ObjectLabels,
): Promise<SourceOutcome> {
  const object = event.involvedObject;
  const named = source.name === '*' || source.name === object.name;
  if ((object.namespace ?? '') !== source.namespace || object.kind !== source.kind || !named) {
    return { matched: false, failed: 'source', detail: '' };
  }
  if (event.severity !== alert.severity && alert.severity !== 'info') {
    return {
      matched: false,
      failed: 'severity',
      detail: `source ${source.shown} matches, but the event's severity ${quote(event.severity)} is not the Alert's eventSeverity ${quote(alert.severity)}`,
    };
  }
  if (source.matchLabels === undefined) return { matched: true, detail: `source ${source.shown} matches` };

  const selector = Object.entries(source.matchLabels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const found = await labels();
  if ('unknown' in found) {
    return {
      matched: false,
      failed: 'labels',
      detail: `source ${source.shown} has matchLabels {${selector}}, but ${found.unknown}`,
    };
  }
  const missing = Object.entries(source.matchLabels).find(([key, value]) => found.labels[key] !== value);
  if (missing) {
    const [key, value] = missing;
    const actual = found.labels[key];
    return {
      matched: false,
      failed: 'labels',
      detail: `source ${source.shown} needs label ${key}=${value}, the object has ${actual === undefined ? `no label ${key}` : `${key}=${actual}`}`,
    };
  }
  return { matched: true, detail: `source ${source.shown} matches, with labels {${selector}}` };
}

function quote(text: string): string {
  return JSON.stringify(text);
}
