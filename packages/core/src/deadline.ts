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
  private readonly stopHearingCaller: (() => void) | undefined;

  constructor(timeoutMs: number, callerSignal?: AbortSignal) {
    this.timeoutMs = timeoutMs;
    this.endsAt = performance.now() + timeoutMs;
    this.callerSignal = callerSignal;
    this.timer = setTimeout(() => this.abort('timeout'), timeoutMs);
    if (callerSignal?.aborted) this.abort('caller');
    else if (callerSignal) this.stopHearingCaller = onSignalAbort(callerSignal, () => this.abort('caller'));
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
    this.stopHearingCaller?.();
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

/** The deadlines waiting on one caller signal, and the single listener that tells them. */
interface SignalListeners {
  deadlines: Set<() => void>;
  onAbort: () => void;
}

const listenersBySignal = new WeakMap<AbortSignal, SignalListeners>();

/**
 * Runs `listener` when `signal` aborts; returns an unsubscribe. A signal shared by many
 * concurrent posts gets one 'abort' listener in all, not one per post (past ten, Node warns of
 * a leak).
 */
function onSignalAbort(signal: AbortSignal, listener: () => void): () => void {
  let entry = listenersBySignal.get(signal);
  if (!entry) {
    const deadlines = new Set<() => void>();
    const onAbort = () => {
      listenersBySignal.delete(signal);
      for (const deadline of deadlines) deadline();
      deadlines.clear();
    };
    entry = { deadlines, onAbort };
    listenersBySignal.set(signal, entry);
    signal.addEventListener('abort', onAbort, { once: true });
  }
  const { deadlines, onAbort } = entry;
  deadlines.add(listener);
  return () => {
    if (!deadlines.delete(listener) || deadlines.size > 0) return;
    listenersBySignal.delete(signal);
    signal.removeEventListener('abort', onAbort);
  };
}
