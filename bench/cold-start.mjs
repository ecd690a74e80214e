// Run in a fresh process by run.mjs: the time from importing @notiflux/providers to having a
// notifier of every provider type, printed as JSON. A type without a spec in
// test/support/sample-specs.mjs makes this fail, naming the type.
import { sampleSpecFor } from '../test/support/sample-specs.mjs';

const started = performance.now();
const { createNotifier, providerTypes } = await import('@notiflux/providers');
for (const type of providerTypes) createNotifier(sampleSpecFor(type));
const ms = performance.now() - started;

process.stdout.write(`${JSON.stringify({ ms, types: providerTypes })}\n`);
