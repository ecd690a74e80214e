// One valid minimal spec per provider type, for the cold-start and loaded-module checks, which
// create a notifier of every type in `providerTypes`. A new provider type must add its spec here:
// the cold-start child fails, naming the type, until it does. Nothing is ever sent to these
// addresses (createNotifier does not connect); they are local all the same.

const address = 'http://127.0.0.1:9/flux';

/** Provider type -> a spec `createNotifier` accepts. */
export const sampleSpecs = {
  generic: { type: 'generic', address },
  'generic-hmac': { type: 'generic-hmac', address, token: 'my-hmac-token' },
};

/** The sample spec of `type`; throws, naming it, when there is none. */
export function sampleSpecFor(type) {
  if (!Object.hasOwn(sampleSpecs, type)) {
    throw new Error(`bench/sample-specs.mjs has no sample spec for provider type '${type}': add one`);
  }
  return sampleSpecs[type];
}
