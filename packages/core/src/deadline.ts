/**
 * One `post`'s time budget: the spec's timeout, covering every attempt and back-off wait,
 * combined with the caller's AbortSignal. `signal` aborts on whichever comes first.
 */
export class Deadline {
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  private readonly controller = new AbortController();
  private readonly endsAt: number;
  private readonly timer: NodeJS.Timeout;
  private readonly callerSignal: AbortSignal | undefined;
  private readonly onCallerAbort = () => this.controller.abort(this.callerSignal?.reason);
  private expired = false;

  constructor(timeoutMs: number, callerSignal?: AbortSignal) {
    this.timeoutMs = timeoutMs;
    this.signal = this.controller.signal;
    this.endsAt = performance.now() + timeoutMs;
    this.callerSignal = callerSignal;
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort(new Error('timeout'));
    }, timeoutMs);
    if (callerSignal?.aborted) this.onCallerAbort();
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  remainingMs(): number {
    return Math.max(0, this.endsAt - performance.now());
  }

  /** Why the signal aborted: the caller, the timeout, or (undefined) not at all. */
  get abortedBy(): 'caller' | 'timeout' | undefined {
    if (!this.signal.aborted) return undefined;
    return this.expired ? 'timeout' : 'caller';
  }

  /** Resolves after `ms`, or early (without throwing) when the deadline aborts. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.signal.addEventListener('abort', done, { once: true });
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }
}
