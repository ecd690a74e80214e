import { Deadline } from '@notiflux/core';
import { describe, expect, it } from 'vitest';

describe('Deadline', () => {
  it('ends with the timeout: listeners run, the lazy signal aborts, sleeps wake early', async () => {
    const deadline = new Deadline(50);
    const events: string[] = [];
    deadline.onAbort(() => events.push('listener'));
    const signal = deadline.signal;
    const started = Date.now();
    await deadline.sleep(5_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(deadline.abortedBy).toBe('timeout');
    expect(events).toEqual(['listener']);
    expect(signal.aborted).toBe(true);
    deadline.dispose();
  });

  it("ends with the caller's signal, and a signal asked for afterwards is already aborted", () => {
    const controller = new AbortController();
    const deadline = new Deadline(10_000, controller.signal);
    controller.abort(new Error('stop'));
    expect(deadline.abortedBy).toBe('caller');
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.signal.reason).toEqual(new Error('stop'));
    let called = false;
    deadline.onAbort(() => {
      called = true;
    });
    expect(called).toBe(true);
    deadline.dispose();
  });

  it('stays open until disposed, and unsubscribed listeners do not run', async () => {
    const deadline = new Deadline(30);
    let called = false;
    const unsubscribe = deadline.onAbort(() => {
      called = true;
    });
    unsubscribe();
    await deadline.sleep(5);
    expect(deadline.abortedBy).toBeUndefined();
    expect(deadline.remainingMs()).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(called).toBe(false);
    deadline.dispose();
  });
});
