import type { Deadline } from '../deadline.js';

/** What `exchange` needs of a time limit: a way to hear that it ran out. */
export interface AbortSource {
  onAbort(listener: () => void): () => void;
}

/**
 * One attempt's share of a post's deadline, for services whose own client caps each attempt
 * (Bitbucket Server's, at 15 s): it ends when the deadline does or after `ms`, whichever comes
 * first, and says which, so an attempt that ran out can be retried while the post goes on.
 */
export class AttemptWindow implements AbortSource {
  /** The attempt's own limit ran out (not the post's deadline). */
  expired = false;
  private ended = false;
  private readonly listeners = new Set<() => void>();
  private readonly timer: NodeJS.Timeout;
  private readonly stopListening: () => void;

  constructor(
    deadline: Deadline,
    readonly ms: number,
  ) {
    this.timer = setTimeout(() => {
      this.expired = true;
      this.end();
    }, ms);
    this.stopListening = deadline.onAbort(() => this.end());
  }

  onAbort(listener: () => void): () => void {
    if (this.ended) {
      listener();
      return () => {};
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.stopListening();
    this.listeners.clear();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    for (const listener of this.listeners) listener();
    this.listeners.clear();
  }
}
