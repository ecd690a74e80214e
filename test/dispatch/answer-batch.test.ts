import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { AnswerBatch } from '../../packages/dispatch/src/server/answer-batch.js';

/** Records what reaches `end`, and when (which turn of the event loop). */
function recordingResponse(
  name: string,
  ended: { name: string; body: unknown; turn: number }[],
  turn: () => number,
) {
  return {
    end(body?: unknown) {
      ended.push({ name, body, turn: turn() });
    },
  } as unknown as ServerResponse;
}

describe('AnswerBatch', () => {
  it('ends the answers of one turn together, after it, in the order they came', async () => {
    let turn = 0;
    const ended: { name: string; body: unknown; turn: number }[] = [];
    const batch = new AnswerBatch();
    batch.end(recordingResponse('first', ended, () => turn));
    await Promise.resolve();
    batch.end(
      recordingResponse('second', ended, () => turn),
      'Too Many Requests\n',
    );
    expect(ended).toEqual([]);
    turn = 1;
    await new Promise((resolve) => setImmediate(resolve));
    expect(ended).toEqual([
      { name: 'first', body: undefined, turn: 1 },
      { name: 'second', body: 'Too Many Requests\n', turn: 1 },
    ]);
  });

  it('starts a new batch for answers that come after a flush', async () => {
    const ended: { name: string; body: unknown; turn: number }[] = [];
    const batch = new AnswerBatch();
    batch.end(recordingResponse('first', ended, () => 0));
    await new Promise((resolve) => setImmediate(resolve));
    batch.end(recordingResponse('second', ended, () => 0));
    expect(ended.map(({ name }) => name)).toEqual(['first']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(ended.map(({ name }) => name)).toEqual(['first', 'second']);
  });

  it('still ends the rest of a batch when one answer cannot be written, and destroys that one', async () => {
    const ended: { name: string; body: unknown; turn: number }[] = [];
    const destroyed: unknown[] = [];
    const broken = {
      end() {
        throw new Error('write after end');
      },
      destroy(error: unknown) {
        destroyed.push(error);
      },
    } as unknown as ServerResponse;
    const batch = new AnswerBatch();
    batch.end(broken);
    batch.end(recordingResponse('after', ended, () => 0));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ended.map(({ name }) => name)).toEqual(['after']);
    expect(destroyed).toEqual([new Error('write after end')]);
  });
});
