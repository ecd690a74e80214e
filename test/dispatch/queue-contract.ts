import type {
  DeliveryQueue,
  DeliveryReport,
  QueuedDelivery,
  QueueOptions,
  QueueWorker,
} from '@notiflux/dispatch';
import { createNotifierFromAnySpec, type Event, type Notifier } from '@notiflux/providers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type RecordedRequest,
  type RecordingServer,
  type ScriptedResponse,
  startRecordingServer,
  waitFor,
} from '../support/recording-server.js';
import { sampleEvent } from '../support/sample-events.js';

/** Makes a fresh, empty queue for one test (BullMQ: a new prefix). */
export type MakeQueue = (options: QueueOptions) => DeliveryQueue | Promise<DeliveryQueue>;

interface Gate {
  opened: Promise<void>;
  open: () => void;
}

function gate(): Gate {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/**
 * A queue wired to real notifiers posting to a local recording server: one path per Provider
 * name, answered from a per-path script (then 200), optionally held until released.
 */
export class QueueHarness {
  readonly reports: DeliveryReport[] = [];
  /** Every delivery the queue handed to `post`, as it handed it. */
  readonly posted: QueuedDelivery[] = [];
  /** How each post ended, by delivery id: undefined for success, else the error. */
  readonly settled: { id: string; error?: unknown }[] = [];
  private readonly scripts = new Map<string, ScriptedResponse[]>();
  private readonly gates = new Map<string, Gate>();
  private readonly notifiers = new Map<string, Notifier>();
  private queues: DeliveryQueue[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private sequence = 0;
  // Ids unique across runs, for a queue kept in a shared Redis.
  private readonly run = Math.random().toString(36).slice(2, 8);

  constructor(
    readonly server: RecordingServer,
    private readonly makeQueue: MakeQueue,
  ) {
    server.respondWith(async (request) => {
      const path = request.path.slice(1);
      this.inFlight += 1;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      try {
        await this.gates.get(path)?.opened;
        return this.scripts.get(path)?.shift() ?? {};
      } finally {
        this.inFlight -= 1;
      }
    });
  }

  /** A started queue whose worker posts through real notifiers and records every report. */
  async queue(options: QueueOptions = {}): Promise<DeliveryQueue> {
    return this.started(await this.makeQueue(options));
  }

  /** Starts a queue made elsewhere with this harness's worker; closed with the harness. */
  async started<Q extends DeliveryQueue>(queue: Q): Promise<Q> {
    this.queues.push(queue);
    await queue.start(this.worker());
    return queue;
  }

  worker(): QueueWorker {
    return {
      post: async (delivery, signal) => {
        this.posted.push(delivery);
        try {
          await this.notifierFor(delivery).post(delivery.event, { signal });
          this.settled.push({ id: delivery.id });
        } catch (error) {
          this.settled.push({ id: delivery.id, error });
          throw error;
        }
      },
      report: (report) => this.reports.push(report),
    };
  }

  private notifierFor(delivery: QueuedDelivery): Notifier {
    const { name, type } = delivery.provider;
    let notifier = this.notifiers.get(name);
    if (notifier === undefined) {
      notifier = createNotifierFromAnySpec({
        type,
        address: `${this.server.url}/${name}`,
        // Only queue-level attempts here: each post is one HTTP request.
        retry: { retries: 0 },
        timeout: '10s',
      });
      this.notifiers.set(name, notifier);
    }
    return notifier;
  }

  /** Answers the next requests to `path` with these, in order; later ones get 200. */
  answer(path: string, ...responses: ScriptedResponse[]): void {
    this.scripts.set(path, [...(this.scripts.get(path) ?? []), ...responses]);
  }

  /** Requests to `path` wait until the returned function is called. */
  hold(path: string): () => void {
    const held = gate();
    this.gates.set(path, held);
    return () => {
      this.gates.delete(path);
      held.open();
    };
  }

  delivery(path: string, overrides: Partial<QueuedDelivery> = {}, type = 'generic'): QueuedDelivery {
    this.sequence += 1;
    const event: Event = { ...sampleEvent, message: `${sampleEvent.message} #${this.sequence}` };
    return {
      id: `${this.run}-${this.sequence}-${path}`,
      alert: { name: 'on-call', namespace: 'apps' },
      provider: { name: path, namespace: 'apps', type },
      event,
      ...overrides,
    };
  }

  requestsTo(path: string): RecordedRequest[] {
    return this.server.requests.filter((request) => request.path === `/${path}`);
  }

  reportOf(id: string): DeliveryReport | undefined {
    return this.reports.find((report) => report.id === id);
  }

  waitForReport(id: string, timeoutMs = 5_000): Promise<DeliveryReport> {
    return waitFor(() => this.reportOf(id), timeoutMs);
  }

  async close(): Promise<void> {
    for (const held of this.gates.values()) held.open();
    await Promise.all(this.queues.map((queue) => queue.close(0)));
    for (const notifier of this.notifiers.values()) await notifier.close?.();
    await this.server.close();
  }
}

export async function startQueueHarness(makeQueue: MakeQueue): Promise<QueueHarness> {
  return new QueueHarness(await startRecordingServer(), makeQueue);
}

/**
 * The behaviour every DeliveryQueue owes the dispatcher, run against real notifiers and a real
 * HTTP server. `makeQueue` gets the options of each test and returns a fresh, empty queue.
 */
export function describeDeliveryQueue(name: string, makeQueue: MakeQueue): void {
  describe(`DeliveryQueue contract: ${name}`, () => {
    let h: QueueHarness;

    beforeEach(async () => {
      h = await startQueueHarness(makeQueue);
    });
    afterEach(async () => {
      await h.close();
    });

    it('posts a delivery once and reports it delivered, with attempts and duration', async () => {
      const queue = await h.queue();
      const delivery = h.delivery('hook');
      await queue.enqueue([delivery]);
      await queue.drain();

      expect(h.requestsTo('hook')).toHaveLength(1);
      expect(JSON.parse(h.requestsTo('hook')[0]!.body).message).toBe(delivery.event.message);
      expect(h.reports).toHaveLength(1);
      const report = h.reports[0]!;
      expect(report).toMatchObject({
        id: delivery.id,
        state: 'delivered',
        attempts: 1,
        alert: delivery.alert,
        provider: delivery.provider,
      });
      expect(report.error).toBeUndefined();
      expect(report.durationMs).toBeGreaterThanOrEqual(0);
      expect(await queue.counts()).toEqual({ waiting: 0, active: 0, delayed: 0, dead: 0 });
      expect(await queue.queued()).toEqual([]);
      expect(await queue.ready()).toBe(true);
    });

    it('hands the worker plain data: a delivery survives structuredClone and JSON unchanged', async () => {
      const queue = await h.queue();
      const delivery = h.delivery('hook', { supersede: { key: 'sha/ci', order: 3 } });
      await queue.enqueue([delivery]);
      await queue.drain();

      const posted = h.posted[0]!;
      expect(posted).toEqual(delivery);
      expect(structuredClone(posted)).toEqual(posted);
      expect(JSON.parse(JSON.stringify(posted))).toEqual(posted);
    });

    it('retries a retryable failure later and reports the delivery delivered', async () => {
      const queue = await h.queue({ schedule: [30, 30] });
      h.answer('flaky', { status: 503 }, { destroy: true });
      const delivery = h.delivery('flaky');
      await queue.enqueue([delivery]);
      await queue.drain();

      expect(h.requestsTo('flaky')).toHaveLength(3);
      expect(h.reports).toEqual([
        expect.objectContaining({ id: delivery.id, state: 'delivered', attempts: 3 }),
      ]);
      expect(await queue.dead()).toEqual([]);
    });

    it('makes a delivery dead at once on a 400, a refusal (REJECTED) and an invalid event', async () => {
      const queue = await h.queue({ schedule: [20, 20, 20] });
      h.answer('bad-request', { status: 400, body: 'no' });
      h.answer('lark', { status: 200, body: '{"code":19021,"msg":"sign match fail"}' });
      const badRequest = h.delivery('bad-request');
      const refused = h.delivery('lark', {}, 'lark');
      const invalid = h.delivery('invalid');
      invalid.event = { ...invalid.event, severity: 'loud' as Event['severity'] };
      await queue.enqueue([badRequest, refused, invalid]);
      await queue.drain();

      expect(h.requestsTo('bad-request')).toHaveLength(1);
      expect(h.requestsTo('lark')).toHaveLength(1);
      expect(h.requestsTo('invalid')).toHaveLength(0);
      const byId = (id: string) => h.reportOf(id);
      expect(byId(badRequest.id)).toMatchObject({ state: 'dead', attempts: 1 });
      expect(byId(badRequest.id)?.error).toMatchObject({ code: 'HTTP_STATUS', status: 400 });
      expect(byId(refused.id)).toMatchObject({ state: 'dead', attempts: 1 });
      expect(byId(refused.id)?.error).toMatchObject({ code: 'REJECTED' });
      expect(byId(invalid.id)).toMatchObject({ state: 'dead', attempts: 1 });
      expect(byId(invalid.id)?.error).toMatchObject({ code: 'INVALID_EVENT' });
      expect((await queue.dead()).map((report) => report.id).sort()).toEqual(
        [badRequest.id, refused.id, invalid.id].sort(),
      );
      expect((await queue.counts()).dead).toBe(3);
    });

    it('makes a delivery dead once the schedule is run out, with the last error', async () => {
      const queue = await h.queue({ schedule: [20, 20] });
      h.answer('down', { status: 500 }, { status: 502 }, { status: 503, body: 'still down' });
      const delivery = h.delivery('down');
      await queue.enqueue([delivery]);
      await queue.drain();

      expect(h.requestsTo('down')).toHaveLength(3);
      const report = h.reportOf(delivery.id);
      expect(report).toMatchObject({ state: 'dead', attempts: 3 });
      expect(report?.error).toMatchObject({ code: 'HTTP_STATUS', status: 503 });
      expect(await queue.dead()).toEqual([expect.objectContaining({ id: delivery.id, state: 'dead' })]);
    });

    it('waits for a Retry-After longer than the next step of the schedule', async () => {
      const queue = await h.queue({ schedule: [10] });
      h.answer('busy', { status: 429, headers: { 'retry-after': '1' } });
      const delivery = h.delivery('busy');
      const enqueuedAt = Date.now();
      await queue.enqueue([delivery]);

      const delayed = await waitFor(async () =>
        (await queue.queued()).find((pending) => pending.state === 'delayed'),
      );
      expect(delayed).toMatchObject({ id: delivery.id, attempts: 1 });
      expect(delayed.nextAttemptAt).toBeGreaterThanOrEqual(enqueuedAt + 1_000);
      await queue.drain();
      expect(h.reportOf(delivery.id)).toMatchObject({ state: 'delivered', attempts: 2 });
      expect(h.requestsTo('busy')).toHaveLength(2);
    });

    it('queues an id once: again in the same call, and again while it is pending', async () => {
      const queue = await h.queue();
      const release = h.hold('hook');
      const delivery = h.delivery('hook');
      await queue.enqueue([delivery, { ...delivery }]);
      await waitFor(() => h.requestsTo('hook').length === 1);
      await queue.enqueue([delivery]);
      expect((await queue.counts()).active + (await queue.counts()).waiting).toBe(1);
      release();
      await queue.drain();

      expect(h.requestsTo('hook')).toHaveLength(1);
      expect(h.reports).toHaveLength(1);
    });

    it('lists dead deliveries and queues them again, one by id or all, with attempts from zero', async () => {
      const queue = await h.queue({ schedule: [] });
      h.answer('gone', { status: 404 }, { status: 404 }, { status: 410 });
      const first = h.delivery('gone');
      const second = h.delivery('gone');
      await queue.enqueue([first]);
      await queue.drain();
      await queue.enqueue([second]);
      await queue.drain();

      const dead = await queue.dead();
      expect(dead.map((report) => report.id).sort()).toEqual([first.id, second.id].sort());
      const firstDead = dead.find((report) => report.id === first.id);
      expect(firstDead).toMatchObject({
        state: 'dead',
        attempts: 1,
        alert: first.alert,
        provider: first.provider,
      });
      expect(firstDead?.event).toEqual(first.event);
      expect(firstDead?.error).toMatchObject({ code: 'HTTP_STATUS', status: 404 });

      expect(await queue.retryDead('no-such-id')).toBe(0);
      expect(await queue.retryDead(first.id)).toBe(1);
      await queue.drain();
      // The third answer (410) goes to the first delivery again.
      expect(h.reports.filter((report) => report.id === first.id).map((report) => report.attempts)).toEqual([
        1, 1,
      ]);
      expect((await queue.dead()).map((report) => report.id).sort()).toEqual([first.id, second.id].sort());

      expect(await queue.retryDead()).toBe(2);
      await queue.drain();
      expect(await queue.dead()).toEqual([]);
      expect(h.reportOf(first.id)).toBeDefined();
      const finals = h.reports.slice(-2);
      expect(finals.map((report) => [report.state, report.attempts])).toEqual([
        ['delivered', 1],
        ['delivered', 1],
      ]);
      expect(finals.map((report) => report.id).sort()).toEqual([first.id, second.id].sort());
      expect(h.requestsTo('gone')).toHaveLength(5);
    });

    it('drain waits for deliveries waiting for a later attempt, and resolves at once when empty', async () => {
      const queue = await h.queue({ schedule: [150] });
      await queue.drain();
      h.answer('later', { status: 500 });
      const delivery = h.delivery('later');
      await queue.enqueue([delivery]);
      await waitFor(async () => (await queue.counts()).delayed === 1);
      await queue.drain();

      expect(h.reportOf(delivery.id)).toMatchObject({ state: 'delivered', attempts: 2 });
      expect(await queue.counts()).toEqual({ waiting: 0, active: 0, delayed: 0, dead: 0 });
    });

    it('close waits for an in-flight post that ends before the deadline', async () => {
      const queue = await h.queue();
      h.answer('slowish', { delayMs: 150 });
      const delivery = h.delivery('slowish');
      await queue.enqueue([delivery]);
      await waitFor(() => h.requestsTo('slowish').length === 1);
      await queue.close(10_000);

      expect(h.reportOf(delivery.id)).toMatchObject({ state: 'delivered', attempts: 1 });
      expect(await queue.ready()).toBe(false);
      await expect(queue.enqueue([h.delivery('hook')])).rejects.toThrow(/closed/);
    });

    it('close aborts an in-flight post at the deadline, reports nothing for it, and refuses new work', async () => {
      const queue = await h.queue();
      h.hold('stuck');
      const delivery = h.delivery('stuck');
      await queue.enqueue([delivery]);
      await waitFor(() => h.requestsTo('stuck').length === 1);
      await queue.close(100);

      // The post was handed an aborted signal, and the notifier gave up on the request.
      const ended = await waitFor(() => h.settled.find((outcome) => outcome.id === delivery.id));
      expect(ended.error).toMatchObject({ code: 'ABORTED' });
      expect(h.reportOf(delivery.id)).toBeUndefined();
      expect(h.reports).toEqual([]);
      expect(await queue.ready()).toBe(false);
      await expect(queue.enqueue([h.delivery('hook')])).rejects.toThrow(/closed/);
      await expect(queue.retryDead()).rejects.toThrow(/closed/);
    });

    it('drops a commit status retried after a newer one for the same key was delivered', async () => {
      const queue = await h.queue({ schedule: [30] });
      // The older status's first post is held until the newer one is delivered, then fails.
      const releaseOlder = h.hold('status-old');
      h.answer('status-old', { status: 503 });
      const older = h.delivery('status-old', { supersede: { key: 'sha-1/ci', order: 1 } });
      const newer = h.delivery('status-new', { supersede: { key: 'sha-1/ci', order: 2 } });
      const otherKey = h.delivery('status-other', { supersede: { key: 'sha-2/ci', order: 0 } });
      await queue.enqueue([older]);
      await waitFor(() => h.requestsTo('status-old').length === 1);
      await queue.enqueue([newer, otherKey]);
      await h.waitForReport(newer.id);
      releaseOlder();
      await queue.drain();

      expect(h.reportOf(newer.id)).toMatchObject({ state: 'delivered', attempts: 1 });
      expect(h.reportOf(otherKey.id)).toMatchObject({ state: 'delivered', attempts: 1 });
      const dropped = h.reportOf(older.id);
      expect(dropped).toMatchObject({ state: 'dropped', reason: 'superseded', attempts: 1 });
      expect(dropped?.error).toBeUndefined();
      expect(h.requestsTo('status-old')).toHaveLength(1);
      expect(await queue.dead()).toEqual([]);
    });

    it('posts an older commit status whose key saw no newer delivery', async () => {
      const queue = await h.queue({ schedule: [30] });
      h.answer('status', { status: 503 });
      const older = h.delivery('status', { supersede: { key: 'sha-3/ci', order: 5 } });
      await queue.enqueue([older]);
      await queue.drain();
      expect(h.reportOf(older.id)).toMatchObject({ state: 'delivered', attempts: 2 });
    });

    it('counts waiting, active, delayed and dead deliveries', async () => {
      const queue = await h.queue({ concurrency: 2, schedule: [60_000] });
      const release = h.hold('held');
      h.answer('retry-me', { status: 503 });
      h.answer('refuse-me', { status: 403 });
      await queue.enqueue([h.delivery('retry-me'), h.delivery('refuse-me')]);
      await waitFor(async () => {
        const counts = await queue.counts();
        return counts.delayed === 1 && counts.dead === 1;
      });
      await queue.enqueue([h.delivery('held'), h.delivery('held'), h.delivery('held')]);
      await waitFor(() => h.requestsTo('held').length === 2);

      expect(await queue.counts()).toEqual({ waiting: 1, active: 2, delayed: 1, dead: 1 });
      const states = (await queue.queued()).map((pending) => pending.state).sort();
      expect(states).toEqual(['active', 'active', 'delayed', 'waiting']);
      release();
      await waitFor(async () => (await queue.counts()).active + (await queue.counts()).waiting === 0);
      expect(await queue.counts()).toEqual({ waiting: 0, active: 0, delayed: 1, dead: 1 });
    });

    it('never posts more than `concurrency` deliveries at once', async () => {
      const queue = await h.queue({ concurrency: 3 });
      const release = h.hold('hook');
      await queue.enqueue(Array.from({ length: 10 }, () => h.delivery('hook')));
      await waitFor(() => h.inFlight === 3);
      expect(await queue.counts()).toMatchObject({ active: 3, waiting: 7 });
      release();
      await queue.drain();

      expect(h.maxInFlight).toBe(3);
      expect(h.requestsTo('hook')).toHaveLength(10);
      expect(h.reports.every((report) => report.state === 'delivered')).toBe(true);
    });

    it('keeps posting other deliveries while one post is slow', async () => {
      const queue = await h.queue({ concurrency: 2 });
      const release = h.hold('slow');
      const slow = h.delivery('slow');
      const fast = Array.from({ length: 5 }, () => h.delivery('fast'));
      await queue.enqueue([slow, ...fast]);
      await waitFor(() => h.reports.length === 5);

      expect(h.reports.map((report) => report.id).sort()).toEqual(fast.map((delivery) => delivery.id).sort());
      expect(h.reportOf(slow.id)).toBeUndefined();
      release();
      await queue.drain();
      expect(h.reportOf(slow.id)).toMatchObject({ state: 'delivered' });
    });
  });
}
