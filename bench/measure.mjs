// The timing loops: throughput over a fixed duration, and interleaved rounds so that drift
// (thermal, GC, a noisy neighbour) is spread over every contender instead of hitting one.

/** Requests per second of `send`, with `concurrency` loops each awaiting its own request. */
export async function requestsPerSecond(send, { concurrency, durationMs }) {
  let completed = 0;
  const started = performance.now();
  const until = started + durationMs;
  async function loop() {
    while (performance.now() < until) {
      await send();
      completed++;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, loop));
  // Requests still in flight at the deadline are counted, and so is the time they took.
  return completed / ((performance.now() - started) / 1000);
}

// Operations are timed in batches: reading the clock after every ~2 µs verification would
// weigh on the result.
const BATCH = 500;

/** Operations per second of a synchronous `operation`. */
export function opsPerSecond(operation, durationMs) {
  let completed = 0;
  const started = performance.now();
  let now = started;
  do {
    for (let i = 0; i < BATCH; i++) operation();
    completed += BATCH;
    now = performance.now();
  } while (now - started < durationMs);
  return completed / ((now - started) / 1000);
}

/** Operations per second of an asynchronous `operation`, awaited one after the other. */
export async function asyncOpsPerSecond(operation, durationMs) {
  let completed = 0;
  const started = performance.now();
  let now = started;
  do {
    for (let i = 0; i < BATCH; i++) await operation();
    completed += BATCH;
    now = performance.now();
  } while (now - started < durationMs);
  return completed / ((now - started) / 1000);
}

/**
 * Samples every contender once per round, every other round in reverse order (A, B, C, C, B, A,
 * ...), so that a machine speeding up or slowing down favours no contender, and returns each
 * contender with the median, min and max of its samples (`samples[round]` kept for `pairedRatio`).
 */
export async function interleavedRounds(contenders, rounds, sample) {
  const samples = contenders.map(() => []);
  const indexes = [...contenders.keys()];
  for (let round = 0; round < rounds; round++) {
    for (const index of round % 2 === 0 ? indexes : [...indexes].reverse()) {
      samples[index][round] = await sample(contenders[index]);
    }
  }
  return contenders.map((contender, index) => ({ contender, ...summarize(samples[index]) }));
}

/**
 * a ÷ b as the median of each round's own ratio: in a round the two ran seconds apart, while
 * the speed of a shared machine drifts between rounds far more than the difference measured.
 */
export function pairedRatio(a, b) {
  return summarize(a.samples.map((value, round) => value / b.samples[round])).median;
}

/** Median, min and max of some samples. */
export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1), samples: values };
}
