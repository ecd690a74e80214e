import type { DeliveryReport, QueuedDelivery } from '../delivery.js';

export interface DeadLimit {
  /** Dead deliveries kept at most, default 1000; the oldest go first. */
  count?: number;
  /** How long a dead delivery is kept, in ms, default 7 days. */
  ageMs?: number;
}

export const DEFAULT_DEAD_LIMIT: Required<DeadLimit> = { count: 1000, ageMs: 7 * 24 * 3_600_000 };

interface DeadLetter {
  delivery: QueuedDelivery;
  report: DeliveryReport;
  diedAt: number;
}

export function checkDeadLimit(limit: DeadLimit | undefined): Required<DeadLimit> {
  const count = limit?.count ?? DEFAULT_DEAD_LIMIT.count;
  const ageMs = limit?.ageMs ?? DEFAULT_DEAD_LIMIT.ageMs;
  if (!Number.isInteger(count) || count < 0) {
    throw new TypeError(`deadLimit.count must be an integer >= 0, got ${String(count)}`);
  }
  if (typeof ageMs !== 'number' || Number.isNaN(ageMs) || ageMs < 0) {
    throw new TypeError(`deadLimit.ageMs must be a number of ms >= 0, got ${String(ageMs)}`);
  }
  return { count, ageMs };
}

/**
 * Dead deliveries in the order they died, bounded by count and age. `onDrop` hears of each one
 * that leaves without being retried.
 */
export class DeadLetters {
  private readonly letters = new Map<string, DeadLetter>();

  constructor(
    private readonly limit: Required<DeadLimit>,
    private readonly clock: () => number,
    private readonly onDrop: (delivery: QueuedDelivery) => void,
  ) {}

  add(delivery: QueuedDelivery, report: DeliveryReport): void {
    this.remove(delivery.id);
    this.letters.set(delivery.id, { delivery, report, diedAt: this.clock() });
    this.prune();
  }

  has(id: string): boolean {
    return this.letters.has(id);
  }

  /** Forgets one dead delivery (it is being queued afresh). */
  remove(id: string): void {
    const letter = this.letters.get(id);
    if (letter === undefined) return;
    this.letters.delete(id);
    this.onDrop(letter.delivery);
  }

  /** Takes dead deliveries out to be queued again: one by id, or all. */
  take(id?: string): QueuedDelivery[] {
    this.prune();
    const one = id === undefined ? undefined : this.letters.get(id);
    const letters = id === undefined ? [...this.letters.values()] : one ? [one] : [];
    for (const letter of letters) this.letters.delete(letter.delivery.id);
    return letters.map((letter) => letter.delivery);
  }

  reports(): DeliveryReport[] {
    this.prune();
    return [...this.letters.values()].map((letter) => letter.report);
  }

  get size(): number {
    this.prune();
    return this.letters.size;
  }

  private prune(): void {
    const oldestKept = this.clock() - this.limit.ageMs;
    for (const [id, letter] of this.letters) {
      if (this.letters.size <= this.limit.count && letter.diedAt >= oldestKept) break;
      this.letters.delete(id);
      this.onDrop(letter.delivery);
    }
  }
}
