import type { DeliveryQueue, DeliveryReport, PendingDelivery } from '@notiflux/dispatch';
import { type Command, exitCode } from '../command.js';
import { commonHelp } from '../command-line.js';
import { errorJson, errorLine } from '../error-report.js';
import { booleanFlag, environmentValue, stringFlag } from '../flag-values.js';
import type { Output } from '../output.js';
import { UsageError } from '../usage-error.js';

export const deliveriesCommand: Command = {
  name: 'deliveries',
  summary: 'list the queued and dead deliveries of a Redis queue; retry dead ones',
  help: `Usage: notiflux deliveries --redis URL [--dead] [--retry ID | --retry-all-dead] [--json]

Lists the deliveries that 'notiflux serve --redis' (or bullmqQueue) keeps in Redis: the ones
waiting, being posted or waiting for a later attempt, and the dead ones with their last error.
--retry ID queues one dead delivery again, --retry-all-dead all of them.

      --redis URL          the Redis of the queue (redis://…); --redis-env VAR reads it from VAR
      --prefix PREFIX      BullMQ key prefix of the queue, default notiflux
      --dead               list only the dead deliveries
      --retry ID           queue the dead delivery ID again (exit 1 if there is no such one)
      --retry-all-dead     queue every dead delivery again
${commonHelp}

Example:
  notiflux deliveries --redis redis://127.0.0.1:6379 --dead
  notiflux deliveries --redis redis://127.0.0.1:6379 --retry-all-dead`,
  options: {
    redis: { type: 'string' },
    'redis-env': { type: 'string' },
    prefix: { type: 'string' },
    dead: { type: 'boolean' },
    retry: { type: 'string' },
    'retry-all-dead': { type: 'boolean' },
  },
  async run({ flags, io, out }) {
    const direct = stringFlag(flags, 'redis');
    const variable = stringFlag(flags, 'redis-env');
    if (direct !== undefined && variable !== undefined)
      throw new UsageError('give --redis or --redis-env, not both');
    const connection = variable === undefined ? direct : environmentValue(io.env, variable, 'redis-env');
    if (connection === undefined) throw new UsageError('--redis is required');
    const retryId = stringFlag(flags, 'retry');
    const retryAll = booleanFlag(flags, 'retry-all-dead');
    if (retryId !== undefined && retryAll)
      throw new UsageError('give --retry ID or --retry-all-dead, not both');

    const { bullmqQueue } = await import('@notiflux/dispatch/bullmq');
    const prefix = stringFlag(flags, 'prefix');
    const queue: DeliveryQueue = bullmqQueue({ connection, ...(prefix === undefined ? {} : { prefix }) });
    try {
      if (retryId !== undefined || retryAll) {
        const count = await queue.retryDead(retryId);
        if (out.json) out.data({ retried: count });
        else out.line(`queued again: ${count}`);
        if (retryId !== undefined && count === 0) {
          out.note(`notiflux deliveries: no dead delivery ${retryId}`);
          return exitCode.failed;
        }
        return exitCode.done;
      }
      const dead = await queue.dead();
      const queued = booleanFlag(flags, 'dead') ? undefined : await queue.queued();
      if (out.json) {
        out.data({
          ...(queued === undefined ? {} : { queued: queued.map(pendingJson) }),
          dead: dead.map(deadJson),
        });
      } else printDeliveries(out, queued, dead);
      return exitCode.done;
    } finally {
      await queue.close();
    }
  },
};

function target(delivery: PendingDelivery | DeliveryReport): string {
  return `Alert ${delivery.alert.namespace}/${delivery.alert.name} → ${delivery.provider.type} Provider ${delivery.provider.namespace}/${delivery.provider.name}`;
}

function printDeliveries(out: Output, queued: PendingDelivery[] | undefined, dead: DeliveryReport[]): void {
  if (queued !== undefined) {
    out.line(out.paint('bold', `queued: ${queued.length}`));
    for (const delivery of queued) {
      const next =
        delivery.nextAttemptAt === undefined
          ? ''
          : `, next attempt ${new Date(delivery.nextAttemptAt).toISOString()}`;
      out.line(
        `  ${delivery.id}  ${delivery.state}  ${target(delivery)}  (${delivery.attempts} attempts${next})`,
      );
    }
  }
  out.line(out.paint('bold', `dead: ${dead.length}`));
  for (const report of dead) {
    const why = report.error === undefined ? '' : `: ${errorLine(report.error)}`;
    out.line(
      `  ${report.id}  ${out.paint('red', 'dead')}  ${target(report)}  (${report.attempts} attempts)${why}`,
    );
  }
}

/** A delivery without its event: the listing says which and how it went, not what it carries. */
function pendingJson(delivery: PendingDelivery): Record<string, unknown> {
  const { event: _event, ...rest } = delivery;
  return rest;
}

function deadJson(report: DeliveryReport): Record<string, unknown> {
  const { event: _event, error, ...rest } = report;
  return error === undefined ? rest : { ...rest, error: errorJson(error) };
}
