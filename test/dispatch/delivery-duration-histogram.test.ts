import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeliveryDurationHistogram } from '../../packages/dispatch/src/server/delivery-duration-histogram.js';
import { DELIVERY_DURATION_BUCKETS, Registry } from '../../packages/dispatch/src/server/server-metrics.js';

// prom-client is the dispatch package's dependency, not the workspace root's: loaded from there,
// its Registry type by way of the module that re-exports it.
interface PromClientHistogram {
  observe(labels: Record<string, string>, value: number): void;
}
const { Histogram } = createRequire(new URL('../../packages/dispatch/package.json', import.meta.url))(
  'prom-client',
) as {
  Histogram: new (config: {
    name: string;
    help: string;
    labelNames: string[];
    buckets: number[];
    registers: Registry[];
  }) => PromClientHistogram;
};

/** The histogram as prom-client itself keeps it: what the event server exposed before. */
function promClientHistogram() {
  const registry = new Registry();
  const histogram = new Histogram({
    name: 'notiflux_delivery_duration_seconds',
    help: "Duration of a delivery's last post, by provider type and outcome",
    labelNames: ['provider_type', 'outcome'],
    buckets: [...DELIVERY_DURATION_BUCKETS],
    registers: [registry],
  });
  return {
    registry,
    observe: (type: string, outcome: string, seconds: number) =>
      histogram.observe({ provider_type: type, outcome }, seconds),
  };
}

function heldHistogram() {
  const registry = new Registry();
  const histogram = new DeliveryDurationHistogram(DELIVERY_DURATION_BUCKETS);
  registry.registerMetric(histogram as never);
  return { registry, observe: histogram.observe.bind(histogram) };
}

const observation = fc.record({
  type: fc.constantFrom('generic', 'slack', 'github'),
  outcome: fc.constantFrom('delivered', 'dead', 'dropped'),
  // Bounds themselves (a value on a bound is in that bound's bucket), around them, and anything.
  seconds: fc.oneof(
    fc.constantFrom(0, ...DELIVERY_DURATION_BUCKETS, 60.000001, 3600),
    fc.double({ min: 0, max: 120, noNaN: true }),
  ),
});

describe('DeliveryDurationHistogram', () => {
  it("exposes the text prom-client's Histogram exposes for the same observations, scrape after scrape, and after a reset", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(observation, { maxLength: 40 }), { maxLength: 3 }),
        async (batches) => {
          const expected = promClientHistogram();
          const actual = heldHistogram();
          for (const batch of batches) {
            for (const { type, outcome, seconds } of batch) {
              expected.observe(type, outcome, seconds);
              actual.observe(type, outcome, seconds);
            }
            expect(await actual.registry.metrics()).toBe(await expected.registry.metrics());
            expect(await actual.registry.getMetricsAsJSON()).toEqual(
              // prom-client adds an empty exemplar to each bucket; the values are what count.
              (await expected.registry.getMetricsAsJSON()).map((metric) => ({
                ...metric,
                values: metric.values.map((value) => {
                  const { exemplar: _exemplar, ...rest } = value as typeof value & { exemplar?: unknown };
                  return rest;
                }),
              })),
            );
          }
          expected.registry.resetMetrics();
          actual.registry.resetMetrics();
          expect(await actual.registry.metrics()).toBe(await expected.registry.metrics());
        },
      ),
      { numRuns: 300 },
    );
  });
});
