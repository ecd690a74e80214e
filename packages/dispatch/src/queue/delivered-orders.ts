/**
 * The newest `order` delivered per supersede key (a commit and status id), so that an older
 * commit status retried later is dropped instead of overwriting a newer one.
 *
 * A key is remembered only while some delivery the queue still holds (pending or dead) carries
 * it: only those can be posted later. The queue `hold`s a key when it takes such a delivery and
 * `release`s it when the delivery leaves for good, so the table never outgrows the queue.
 */
export class DeliveredOrders {
  private readonly newest = new Map<string, number>();
  private readonly holders = new Map<string, number>();

  hold(key: string): void {
    this.holders.set(key, (this.holders.get(key) ?? 0) + 1);
  }

  release(key: string): void {
    const count = (this.holders.get(key) ?? 0) - 1;
    if (count > 0) {
      this.holders.set(key, count);
    } else {
      this.holders.delete(key);
      this.newest.delete(key);
    }
  }

  delivered(key: string, order: number): void {
    const newest = this.newest.get(key);
    if (newest === undefined || order > newest) this.newest.set(key, order);
  }

  /** Whether a delivery with a strictly newer order was delivered under `key`. */
  superseded(key: string, order: number): boolean {
    const newest = this.newest.get(key);
    return newest !== undefined && newest > order;
  }

  /** Keys remembered now (for tests of the bound). */
  get size(): number {
    return this.holders.size;
  }
}
