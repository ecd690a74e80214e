/**
 * One `post`'s time budget: the spec's timeout, covering every attempt and back-off wait,
 * combined with the caller's AbortSignal. Listeners run on whichever comes first.
 *
 * It is not an AbortController: the HTTP transport aborts its requests through `onAbort`, and
 * creating a controller and signal on every post costs measurable throughput. SDK-backed
 * providers that need a signal get one from `signal`, made on first use.
 */
export class Deadline {
  readonly timeoutMs: number;
  private readonly endsAt: number;
  private readonly timer: NodeJS.Timeout;
  private readonly callerSignal: AbortSignal | undefined;
  private readonly listeners = new Set<() => void>();
  private controller: AbortController | undefined;
  private reason: 'caller' | 'timeout' | undefined;
  private readonly onCallerAbort = () => this.abort('caller');

  constructor(timeoutMs: number, callerSignal?: AbortSignal) {
    this.timeoutMs = timeoutMs;
    this.endsAt = performance.now() + timeoutMs;
    this.callerSignal = callerSignal;
    this.timer = setTimeout(() => this.abort('timeout'), timeoutMs);
    if (callerSignal?.aborted) this.abort('caller');
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  /** Why the deadline ended early: the caller, the timeout, or (undefined) not at all. */
  get abortedBy(): 'caller' | 'timeout' | undefined {
    return this.reason;
  }

  /** An AbortSignal that aborts with the deadline, for SDK calls. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason) this.controller.abort(this.abortReason());
    }
    return this.controller.signal;
  }

  remainingMs(): number {
    return Math.max(0, this.endsAt - performance.now());
  }

  /** Runs `listener` when the deadline ends early (at once if it has); returns an unsubscribe. */
  onAbort(listener: () => void): () => void {
    if (this.reason) {
      listener();
      return () => {};
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves after `ms`, or early (without throwing) when the deadline ends. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const stop = this.onAbort(() => {
        clearTimeout(timer);
        resolve();
      });
      const timer = setTimeout(() => {
        stop();
        resolve();
      }, ms);
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
    this.listeners.clear();
  }

  private abort(reason: 'caller' | 'timeout'): void {
    if (this.reason) return;
    this.reason = reason;
    clearTimeout(this.timer);
    this.controller?.abort(this.abortReason());
    for (const listener of this.listeners) listener();
    this.listeners.clear();
  }

  private abortReason(): unknown {
    return this.reason === 'caller'
      ? (this.callerSignal?.reason ?? new Error('aborted'))
      : new Error(`timed out after ${this.timeoutMs}ms`);
  }
}
