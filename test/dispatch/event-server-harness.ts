import { EventEmitter } from 'node:events';
import net from 'node:net';
import { parseEvent } from '@notiflux/core';
import type {
  Delivery,
  DeliveryReport,
  Dispatcher,
  DispatchOptions,
  DispatchResult,
} from '@notiflux/dispatch';
import type { Event } from '@notiflux/providers';

/** `Mon, 02 Jan 2006 15:04:05.678 UTC`: the next window's start the fake dispatcher reports. */
export const fakeResetAt = Date.UTC(2006, 0, 2, 15, 4, 5, 678);

/**
 * A hand-written Dispatcher for the HTTP layer's tests: validates like the real one (INVALID_EVENT),
 * suppresses a repeated object+message, and records what it was given.
 */
export class FakeDispatcher extends EventEmitter implements Dispatcher {
  readonly calls: { event: Event; options: DispatchOptions | undefined }[] = [];
  readonly seen = new Set<string>();
  isReady = true;
  closed = false;
  /** When set, dispatch waits for it (an event in flight). */
  hold: Promise<void> | undefined;
  /** When set, dispatch rejects with it. */
  failure: Error | undefined;
  /** When set, the result for an accepted event is no-match. */
  noMatch = false;

  async dispatch(input: Event, options?: DispatchOptions): Promise<DispatchResult> {
    const event = parseEvent(input);
    this.calls.push({ event, options });
    if (this.hold !== undefined) await this.hold;
    if (this.failure !== undefined) throw this.failure;
    const { kind, namespace, name } = event.involvedObject;
    const key = `${kind}/${namespace}/${name}/${event.message}/${JSON.stringify(options?.sourceMetadata ?? {})}`;
    if (this.seen.has(key)) {
      return { status: 'suppressed', key, rateLimit: { limit: 1, remaining: 0, resetAt: fakeResetAt } };
    }
    this.seen.add(key);
    const rateLimit = { limit: 1 as const, remaining: 0 as const, resetAt: fakeResetAt };
    if (this.noMatch) return { status: 'no-match', rateLimit };
    const delivery: Delivery = {
      id: `d-${this.calls.length}`,
      alert: { namespace: 'flux-system', name: 'on-call' },
      provider: { namespace: 'flux-system', name: 'slack', type: 'slack' },
      state: 'queued',
      event,
    };
    return { status: 'accepted', deliveries: [delivery], rateLimit };
  }
  async explain(): Promise<never> {
    throw new Error('not used');
  }
  async drain(): Promise<void> {}
  async dead(): Promise<DeliveryReport[]> {
    return [];
  }
  async retryDead(): Promise<number> {
    return 0;
  }
  async counts() {
    return { waiting: 3, active: 1, delayed: 2, dead: 4 };
  }
  async ready(): Promise<boolean> {
    return this.isReady && !this.closed;
  }
  override on(event: 'delivery', listener: (report: DeliveryReport) => void): this {
    return super.on(event, listener);
  }
  override off(event: 'delivery', listener: (report: DeliveryReport) => void): this {
    return super.off(event, listener);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Prometheus text → the value of one sample, or undefined. */
export function metricValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line === '') continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})?\s+(\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const found: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) found[pair[1]!] = pair[2]!;
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

/**
 * Talks raw HTTP/1.1 on one socket: `script` writes what it wants (it may stall or stop half-way);
 * resolves with everything the server sent once the server closes the connection.
 */
export function rawExchange(
  port: number,
  script: (socket: net.Socket) => void | Promise<void>,
  timeoutMs = 15_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within ${timeoutMs} ms; got ${Buffer.concat(received).toString('latin1')}`));
    }, timeoutMs);
    socket.on('data', (chunk) => received.push(chunk));
    // Writes after the server has answered and closed may fail: what was answered is what counts.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(received).toString('latin1'));
    });
    socket.on('connect', () => {
      Promise.resolve(script(socket)).catch(() => undefined);
    });
  });
}

/** The status codes of every response in a raw exchange, in order. */
export function statusCodes(raw: string): number[] {
  return [...raw.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => Number(match[1]));
}

/** A Writable-like sink for pino: every line, parsed. */
export function logSink() {
  const text: string[] = [];
  return {
    text,
    write(line: string) {
      text.push(line);
    },
    lines(): Record<string, unknown>[] {
      return text.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
  };
}
