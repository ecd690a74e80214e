/**
 * The event server's answers to accepted and duplicate events, written together once per turn
 * of the event loop instead of one by one as each dispatch finishes.
 *
 * Each answer is a socket write, and a write to a client that is waiting for it wakes the
 * client's process. On a busy hub those wake-ups, one per event between the dispatches of other
 * events, cost more than anything else it does for an event. Answers written back to back wake
 * a client once for all of them. An answer waits at most for the rest of the current turn.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Headers as an object, or as the flat name/value list Node also takes. */
export type AnswerHeaders = OutgoingHttpHeaders | readonly string[];

export interface Answer {
  response: ServerResponse;
  status: number;
  headers: AnswerHeaders;
  body: string | undefined;
}

export class AnswerBatch {
  private waiting: Answer[] = [];
  private scheduled = false;

  /**
   * @param write writes one answer's head and body; called at flush time, so what it decides
   *   from the server's state (a `Connection: close` once closing has begun) is current.
   */
  constructor(private readonly write: (answer: Answer) => void) {}

  /** Answers `response` together with the other answers of this turn. */
  send(response: ServerResponse, status: number, headers: Answer['headers'], body?: string): void {
    this.waiting.push({ response, status, headers, body });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.flush);
  }

  /** Writes every answer still waiting, in the order they came. */
  readonly flush = (): void => {
    this.scheduled = false;
    const answers = this.waiting;
    this.waiting = [];
    for (const answer of answers) {
      try {
        this.write(answer);
      } catch (error) {
        // One answer that cannot be written must not leave the others of its batch unsent.
        answer.response.destroy(error as Error);
      }
    }
  };
}
