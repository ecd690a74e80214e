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
  if (!selectsObject(source, event)) return { matched: false, failed: 'source', detail: '' };
  if (!takesSeverity(alert, event)) {
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
  const missing = missingLabel(source.matchLabels, found.labels);
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

/**
 * Whether `alert` takes `event`: what `matchAlert` decides, for dispatch, which needs only the
 * answer. No words are built, and there is a promise only when a source needs the object's
 * labels (looked up at the same point, in the same source order, as `matchAlert` does).
 */
export function alertTakes(
  alert: CompiledAlert,
  event: Event,
  labels: ObjectLabels,
): boolean | Promise<boolean> {
  if (alert.alert.spec.suspend) return false;
  const { sources } = alert;
  for (let index = 0; index < sources.length; index++) {
    const source = sources[index] as EventSource;
    if (!selectsObject(source, event) || !takesSeverity(alert, event)) continue;
    if (source.matchLabels === undefined) return takesMessage(alert, event.message);
    return takesWithLabels(alert, event, labels, index);
  }
  return false;
}

/** The rest of `alertTakes` from the first source that needs labels on. */
async function takesWithLabels(
  alert: CompiledAlert,
  event: Event,
  labels: ObjectLabels,
  from: number,
): Promise<boolean> {
  const { sources } = alert;
  for (let index = from; index < sources.length; index++) {
    const source = sources[index] as EventSource;
    if (!selectsObject(source, event) || !takesSeverity(alert, event)) continue;
    if (source.matchLabels === undefined) return takesMessage(alert, event.message);
    const found = await labels();
    if ('labels' in found && missingLabel(source.matchLabels, found.labels) === undefined) {
      return takesMessage(alert, event.message);
    }
  }
  return false;
}

/** The source names the event's object: its kind, namespace, and name or `*`. */
function selectsObject(source: EventSource, event: Event): boolean {
  const object = event.involvedObject;
  return (
    (object.namespace ?? '') === source.namespace &&
    object.kind === source.kind &&
    (source.name === '*' || source.name === object.name)
  );
}

/** An Alert at `info` takes every severity; one at `error` only errors. */
function takesSeverity(alert: CompiledAlert, event: Event): boolean {
  return alert.severity === 'info' || event.severity === alert.severity;
}

/** Some inclusion expression matches the message (when there are any), and no exclusion does. */
function takesMessage(alert: CompiledAlert, message: string): boolean {
  if (alert.inclusion.length > 0 && !alert.inclusion.some((expression) => expression.test(message))) {
    return false;
  }
  return !alert.exclusion.some((expression) => expression.test(message));
}

/** The first `[key, value]` of the selector the labels do not have. */
function missingLabel(
  selector: Record<string, string>,
  labels: Record<string, string>,
): [string, string] | undefined {
  return Object.entries(selector).find(([key, value]) => labels[key] !== value);
}

function quote(text: string): string {
  return JSON.stringify(text);
}
