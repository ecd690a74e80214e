/**
 * `notiflux_delivery_duration_seconds`: the histogram prom-client's `Histogram` would expose, with
 * the same text on every scrape, counted in plain numbers. prom-client's `observe` checks and
 * hashes its labels and looks each bucket up by its bound turned into a string, on every call: a
 * share of each delivery's cost on a busy hub. Here a delivery's observation is a bucket found by
 * comparison and three additions; the text is made when a scrape asks for it. Registered in the
 * server's registry as any metric is (a name, a `get` that returns its values, a `reset`).
 */

/** One label set's counts: per bucket (the last one above every bound), and their sum and count. */
interface Series {
  labels: { provider_type: string; outcome: string };
  counts: Float64Array;
  sum: number;
  count: number;
}

/** A value as prom-client's registry prints it: `metricName{labels} value`. */
interface MetricValue {
  value: number;
  labels: Record<string, string | number>;
  metricName: string;
}

export class DeliveryDurationHistogram {
  readonly name = 'notiflux_delivery_duration_seconds';
  readonly help = "Duration of a delivery's last post, by provider type and outcome";
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  /** By provider type, then outcome: few of each, so two small maps, and no key to build. */
  private readonly series = new Map<string, Map<string, Series>>();
  /** The same series in the order they were first observed, the order prom-client prints them in. */
  private readonly ordered: Series[] = [];

  constructor(private readonly buckets: readonly number[]) {}

  observe(providerType: string, outcome: string, seconds: number): void {
    let byOutcome = this.series.get(providerType);
    if (byOutcome === undefined) {
      byOutcome = new Map();
      this.series.set(providerType, byOutcome);
    }
    let series = byOutcome.get(outcome);
    if (series === undefined) {
      series = {
        labels: { provider_type: providerType, outcome },
        counts: new Float64Array(this.buckets.length + 1),
        sum: 0,
        count: 0,
      };
      byOutcome.set(outcome, series);
      this.ordered.push(series);
    }
    // A value on a bound counts in that bound's bucket (`le`).
    const { buckets } = this;
    let index = 0;
    while (index < buckets.length && seconds > (buckets[index] as number)) index += 1;
    series.counts[index] = (series.counts[index] as number) + 1;
    series.sum += seconds;
    series.count += 1;
  }

  /** The values in prom-client's order: each label set's cumulative buckets, `+Inf`, sum, count. */
  async get(): Promise<{
    name: string;
    help: string;
    type: string;
    values: MetricValue[];
    aggregator: string;
  }> {
    const { name, buckets } = this;
    const values: MetricValue[] = [];
    for (const series of this.ordered) {
      const { labels } = series;
      let cumulative = 0;
      for (let index = 0; index < buckets.length; index++) {
        cumulative += series.counts[index] as number;
        values.push({
          value: cumulative,
          labels: { le: buckets[index] as number, ...labels },
          metricName: `${name}_bucket`,
        });
      }
      values.push({ value: series.count, labels: { le: '+Inf', ...labels }, metricName: `${name}_bucket` });
      values.push({ value: series.sum, labels: { ...labels }, metricName: `${name}_sum` });
      values.push({ value: series.count, labels: { ...labels }, metricName: `${name}_count` });
    }
    return { name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.series.clear();
    this.ordered.length = 0;
  }
}
