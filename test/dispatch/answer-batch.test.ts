import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { type Answer, AnswerBatch } from '../../packages/dispatch/src/server/answer-batch.js';

const response = (name: string) => ({ name }) as unknown as ServerResponse;
const nameOf = (answer: Answer) => (answer.response as unknown as { name: string }).name;
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('AnswerBatch', () => {
  it('writes the answers of one turn together, after it, in the order they came', async () => {
    let turn = 0;
    const written: { name: string; status: number; body: unknown; turn: number }[] = [];
    const batch = new AnswerBatch((answer) => {
      written.push({ name: nameOf(answer), status: answer.status, body: answer.body, turn });
    });
    batch.send(response('first'), 202, { 'Content-Length': 0 });
    await Promise.resolve();
    batch.send(response('second'), 429, { 'Content-Length': 18 }, 'Too Many Requests\n');
    expect(written).toEqual([]);
    turn = 1;
    await nextTurn();
    expect(written).toEqual([
      { name: 'first', status: 202, body: undefined, turn: 1 },
      { name: 'second', status: 429, body: 'Too Many Requests\n', turn: 1 },
    ]);
  });

  it('starts a new batch for answers that come after a flush', async () => {
    const written: string[] = [];
    const batch = new AnswerBatch((answer) => written.push(nameOf(answer)));
    batch.send(response('first'), 202, {});
    await nextTurn();
    batch.send(response('second'), 202, {});
    expect(written).toEqual(['first']);
    await nextTurn();
    expect(written).toEqual(['first', 'second']);
  });

  it('still writes the rest of a batch when one answer cannot be written, and destroys that one', async () => {
    const written: string[] = [];
    const destroyed: unknown[] = [];
    const broken = {
      name: 'broken',
      destroy(error: unknown) {
        destroyed.push(error);
      },
    } as unknown as ServerResponse;
    const batch = new AnswerBatch((answer) => {
      if (answer.response === broken) throw new Error('write after end');
      written.push(nameOf(answer));
    });
    batch.send(broken, 202, {});
    batch.send(response('after'), 202, {});
    await nextTurn();
    expect(written).toEqual(['after']);
    expect(destroyed).toEqual([new Error('write after end')]);
  });
});
