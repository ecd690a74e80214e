import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Deadline } from '@notiflux/core';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const deadlineSource = new URL('../../packages/core/src/deadline.ts', import.meta.url);

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

  it('deadlines of one length end in turn; a disposed or caller-aborted one never times out', async () => {
    const ended: string[] = [];
    const first = new Deadline(40);
    const disposed = new Deadline(40);
    const controller = new AbortController();
    const aborted = new Deadline(40, controller.signal);
    const last = new Deadline(40);
    first.onAbort(() => ended.push('first'));
    disposed.onAbort(() => ended.push('disposed'));
    aborted.onAbort(() => ended.push(`aborted by ${aborted.abortedBy}`));
    last.onAbort(() => ended.push('last'));
    disposed.dispose();
    controller.abort();
    await last.sleep(5_000);
    expect(ended).toEqual(['aborted by caller', 'first', 'last']);
    expect([first.abortedBy, disposed.abortedBy, last.abortedBy]).toEqual(['timeout', undefined, 'timeout']);
    // A deadline made after the others ended still gets its timeout.
    const again = new Deadline(40);
    await again.sleep(5_000);
    expect(again.abortedBy).toBe('timeout');
    for (const deadline of [first, aborted, last, again]) deadline.dispose();
  });

  it('a disposed deadline keeps no process alive: node exits long before the timeout', async () => {
    // A child that makes a one-hour deadline, disposes it and returns: it must exit by itself.
    const { outputText } = ts.transpileModule(await readFile(deadlineSource, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    const directory = await mkdtemp(join(tmpdir(), 'notiflux-deadline-'));
    const script = join(directory, 'child.mjs');
    await writeFile(script, `${outputText}\nnew Deadline(3_600_000).dispose();\nconsole.log('done');\n`);
    const { stdout } = await promisify(execFile)(process.execPath, [script], { timeout: 20_000 }).finally(
      () => rm(directory, { recursive: true, force: true }),
    );
    expect(stdout.trim()).toBe('done');
  });
});
