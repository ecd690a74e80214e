// An undici Dispatcher that answers every request with 200 and no body, without a socket: what a
// post costs in the client alone (bench/post-cpu.mjs, bench/event-pipeline-cpu.mjs).
import { Dispatcher } from 'undici';

export class AnsweringDispatcher extends Dispatcher {
  dispatch(_options, handler) {
    const controller = { abort() {}, pause() {}, resume() {}, aborted: false, paused: false };
    queueMicrotask(() => {
      handler.onRequestStart?.(controller, {});
      handler.onResponseStart?.(controller, 200, {}, 'OK');
      handler.onResponseEnd?.(controller, {});
    });
    return true;
  }

  async close() {}

  async destroy() {}
}
