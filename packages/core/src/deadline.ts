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
  /** When the timeout ends, on `performance.now()`'s clock. */
  readonly endsAt: number;
  /** @internal Neighbours in the queue of pending deadlines of the same length. */
  previous: Deadline | undefined;
  next: Deadline | undefined;
  private readonly queue: DeadlineQueue;
  private readonly callerSignal: AbortSignal | undefined;
  /** The first listener (a post usually has one: its request's), then a set for any others. */
  private listener: (() => void) | undefined;
  private listeners: Set<() => void> | undefined;
  private controller: AbortController | undefined;
  private reason: 'caller' | 'timeout' | undefined;
  private readonly stopHearingCaller: (() => void) | undefined;

  constructor(timeoutMs: number, callerSignal?: AbortSignal) {
    this.timeoutMs = timeoutMs;
    this.endsAt = performance.now() + timeoutMs;
    this.callerSignal = callerSignal;
    this.queue = queueFor(timeoutMs);
    this.queue.add(this);
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
    if (this.listener === undefined) {
      this.listener = listener;
      return () => {
        if (this.listener === listener) this.listener = undefined;
        else this.listeners?.delete(listener);
      };
    }
    this.listeners ??= new Set();
    const { listeners } = this;
    listeners.add(listener);
    return () => listeners.delete(listener);
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

  /** @internal Called by the queue when the timeout has run out. */
  expire(): void {
    this.abort('timeout');
  }

  dispose(): void {
    this.queue.remove(this);
    this.stopHearingCaller?.();
    this.listener = undefined;
    this.listeners?.clear();
  }

  private abort(reason: 'caller' | 'timeout'): void {
    if (this.reason) return;
    this.reason = reason;
    this.queue.remove(this);
    this.controller?.abort(this.abortReason());
    const { listener, listeners } = this;
    this.listener = undefined;
    listener?.();
    if (!listeners) return;
    for (const other of listeners) other();
    listeners.clear();
  }

  private abortReason(): unknown {
    return this.reason === 'caller'
      ? (this.callerSignal?.reason ?? new Error('aborted'))
      : new Error(`timed out after ${this.timeoutMs}ms`);
  }
}

/**
 * The pending deadlines of one length, in the order they end, under one Node timer set for the
 * earliest. A notifier's posts share a timeout, so a deadline made later ends later; one timer
 * for them all replaces a setTimeout and clearTimeout per post, a measurable share of a post's
 * own cost. With nothing pending the timer is unref'd, not cleared: it keeps no process alive,
 * and the next post reuses it (when it fires with nothing pending, it is dropped).
 */
class DeadlineQueue {
  private first: Deadline | undefined;
  private last: Deadline | undefined;
  private timer: NodeJS.Timeout | undefined;

  add(deadline: Deadline): void {
    deadline.previous = this.last;
    deadline.next = undefined;
    if (this.last) this.last.next = deadline;
    else this.first = deadline;
    this.last = deadline;
    // The timer is due no later than this deadline: at the earliest pending one, or earlier.
    if (this.timer) this.timer.ref();
    else this.arm(deadline.endsAt);
  }

  remove(deadline: Deadline): void {
    const { previous, next } = deadline;
    if (!previous && this.first !== deadline) return; // not queued (any more)
    if (previous) previous.next = next;
    else this.first = next;
    if (next) next.previous = previous;
    else this.last = previous;
    deadline.previous = undefined;
    deadline.next = undefined;
    if (!this.first) this.timer?.unref();
  }

  private arm(at: number): void {
    this.timer = setTimeout(() => this.fire(), Math.max(1, Math.ceil(at - performance.now())));
  }

  private fire(): void {
    this.timer = undefined;
    // Within the timer clock's millisecond of its end, a deadline counts as ended, as a timer of its own would.
    const now = performance.now() + 1;
    while (this.first && this.first.endsAt <= now) this.first.expire();
    if (this.first) this.arm(this.first.endsAt);
  }
}

const queues = new Map<number, DeadlineQueue>();

function queueFor(timeoutMs: number): DeadlineQueue {
  let queue = queues.get(timeoutMs);
  if (!queue) {
    queue = new DeadlineQueue();
    queues.set(timeoutMs, queue);
  }
  return queue;
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
