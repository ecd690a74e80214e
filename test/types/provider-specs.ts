// Compile-time expectations of the typed specs: every `@ts-expect-error` line must be an error,
// every other line must compile. Checked by tsc (test/types/type-expectations.test.ts) and by
// `pnpm typecheck`; never run.
import { defineProvider, field, requiredString } from '@notiflux/core';
import {
  type BuiltinProviderSpec,
  createNotifier,
  createNotifierFromAnySpec,
  type ProviderSpec,
  type ProviderSpecFor,
} from '@notiflux/providers';

const hook = 'https://hooks.example.com/x';

// Built-in types: the common fields and the type's own.
createNotifier({ type: 'slack', address: hook, channel: '#ops', timeout: '30s' });
// A field a Flux Secret may supply stays optional: the webhook can come from `secret.address`.
createNotifier({ type: 'slack', secret: { address: hook } });
createNotifier({ type: 'generic-hmac', address: hook, token: 'key', signature: 'standard-webhooks' });
createNotifier({ type: 'azureeventhub', address: 'Endpoint=sb://x/', endpoint: 'amqps://127.0.0.1:5671' });
createNotifier({ type: 'pagerduty', channel: 'routing-key' });
createNotifier({ type: 'otel', address: hook, provider: { uid: 'alert-uid' } });
createNotifier({ type: 'incidentio', address: hook, token: 't' });
createNotifier({ type: 'incident.io', address: hook, token: 't' });
createNotifier({ type: 'github', address: 'https://github.com/o/r', commitStatus: (event) => event.reason });

// @ts-expect-error: a misspelled type
createNotifier({ type: 'slak', address: hook });
// @ts-expect-error: types are lower-case
createNotifier({ type: 'Slack', address: hook });
// @ts-expect-error: a field slack does not take
createNotifier({ type: 'slack', address: hook, signature: 'both' });
// @ts-expect-error: a field no type takes
createNotifier({ type: 'generic', address: hook, adress: hook });
// @ts-expect-error: not one of generic-hmac's signature schemes
createNotifier({ type: 'generic-hmac', address: hook, token: 'key', signature: 'md5' });
// @ts-expect-error: pagerduty's routing key (channel) cannot come from the Secret
createNotifier({ type: 'pagerduty', address: hook });
// @ts-expect-error: telegram's chat (channel) is required
createNotifier({ type: 'telegram', token: 't' });
// @ts-expect-error: zulip's <channel>/<topic> is required
createNotifier({ type: 'zulip', address: hook });
// @ts-expect-error: otel needs the alert identity
createNotifier({ type: 'otel', address: hook });
// @ts-expect-error: otel's provider.uid is required
createNotifier({ type: 'otel', address: hook, provider: { name: 'alert' } });
// @ts-expect-error: timeout is a duration string or milliseconds
createNotifier({ type: 'slack', address: hook, timeout: true });
// @ts-expect-error: headers are strings
createNotifier({ type: 'generic', address: hook, headers: { 'X-Count': 1 } });

// ProviderSpecFor names one type's spec.
const slack: ProviderSpecFor<'slack'> = { type: 'slack', address: hook };
createNotifier(slack);
const slackType: 'slack' = slack.type;
// @ts-expect-error: another type's spec
const wrong: ProviderSpecFor<'slack'> = { type: 'discord', address: hook };
const pagerduty: ProviderSpecFor<'pagerduty'> = { type: 'pagerduty', channel: 'key' };
const routingKey: string = pagerduty.channel;
const specs: BuiltinProviderSpec[] = [slack, pagerduty];

// Types of your own, with `options.providers`.
const paired = defineProvider({
  type: 'paired',
  spec: { channel: requiredString('the room'), region: field.oneOf(['eu', 'us'], 'eu or us').optional() },
  encode: () => [],
});
createNotifier({ type: 'paired', channel: '#ops', region: 'eu' }, { providers: [paired] });
createNotifier({ type: 'slack', address: hook }, { providers: [paired] });
// @ts-expect-error: the definition requires channel
createNotifier({ type: 'paired' }, { providers: [paired] });
// @ts-expect-error: not one of the regions
createNotifier({ type: 'paired', channel: '#ops', region: 'asia' }, { providers: [paired] });
// @ts-expect-error: a type of your own needs its definition
createNotifier({ type: 'paired', channel: '#ops' });

// Specs built at run time go through the untyped entry.
declare const fromManifests: ProviderSpec;
createNotifierFromAnySpec(fromManifests);
// @ts-expect-error: the typed entry wants a spec whose type the compiler knows
createNotifier(fromManifests);

export const used = [slackType, wrong, routingKey, specs];
