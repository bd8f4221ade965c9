import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  ZContainerStreamRequest,
  ZContainersSubscribe,
  ZEventsSubscribe,
  ZHostStreamRequest,
  ZLogsSubscribe,
  ZServiceLogsSubscribe,
  ZSubscriptionRef,
} from '@berth/shared';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';
import { AppError } from '../common/app-error.js';
import { callerOf } from '../containers/caller.js';
import { LOGGER } from '../common/logger.js';
import { ContainerFeed } from './container-feed.js';
import { EngineEventFeed } from './engine-event-feed.js';
import { LogStreams } from './log-streams.js';
import { answer, parseRequest } from './socket-answer.js';
import type { RealtimeSocket } from './socket-types.js';
import { StatsStreams } from './stats-streams.js';
import { SummaryFeed } from './summary-feed.js';
import { ServiceLogs } from '../swarm/service-logs.js';

const MAX_SUBSCRIPTIONS = 64;

/**
 * The subscribe requests of one socket: each is checked (schema, then permission in the service)
 * and answered with a subscription id that tags what is pushed; all end when the socket goes.
 */
@Injectable()
export class SubscriptionHandlers {
  constructor(
    private readonly logs: LogStreams,
    private readonly stats: StatsStreams,
    private readonly events: EngineEventFeed,
    private readonly containers: ContainerFeed,
    private readonly summary: SummaryFeed,
    private readonly serviceLogs: ServiceLogs,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  bind(socket: RealtimeSocket, principal: Principal): void {
    const open = new Map<string, () => void>();
    const ended = new Set<string>();
    /** Registers a subscription the service has started; `start` gets its id and its end. */
    const subscribe = async <T>(
      start: (
        id: string,
        end: (reason: string) => void,
      ) => Promise<{ leave: () => void; data?: T }>,
    ): Promise<{ subscriptionId: string } & T> => {
      if (open.size >= MAX_SUBSCRIPTIONS) {
        throw new AppError(
          'TOO_MANY_REQUESTS',
          `at most ${MAX_SUBSCRIPTIONS} subscriptions per connection`,
        );
      }
      const id = randomUUID();
      const end = (reason: string) => {
        open.delete(id);
        ended.add(id);
        socket.emit('subscription.end', { subscriptionId: id, reason });
      };
      const { leave, data } = await start(id, end);
      if (ended.has(id)) leave();
      else open.set(id, leave);
      return { subscriptionId: id, ...(data as T) };
    };

    socket.on(
      'logs.subscribe',
      (request, ack) =>
        void answer(ack, this.log, () => {
          const parsed = parseRequest(ZLogsSubscribe, request);
          return subscribe(async (id, end) => ({
            leave: await this.logs.subscribe(principal, parsed, {
              lines: (lines, cursor) =>
                socket.emit('logs.lines', {
                  subscriptionId: id,
                  lines,
                  ...(cursor === undefined ? {} : { cursor }),
                }),
              end,
            }),
          }));
        }),
    );

    socket.on(
      'service-logs.subscribe',
      (request, ack) =>
        void answer(ack, this.log, () => {
          const parsed = parseRequest(ZServiceLogsSubscribe, request);
          return subscribe(async (id, end) => ({
            leave: await this.serviceLogs.subscribe(callerOf(principal, socket.request), parsed, {
              lines: (lines) => socket.emit('service-logs.lines', { subscriptionId: id, lines }),
              end,
            }),
          }));
        }),
    );

    socket.on(
      'stats.subscribe',
      (request, ack) =>
        void answer(ack, this.log, () => {
          const parsed = parseRequest(ZContainerStreamRequest, request);
          return subscribe(async (id, end) => ({
            leave: await this.stats.container(
              principal,
              parsed.hostId,
              parsed.containerId,
              (containerId) => ({
                next: (sample) =>
                  socket.emit('stats.sample', {
                    subscriptionId: id,
                    hostId: parsed.hostId,
                    containerId,
                    ...sample,
                  }),
                end,
              }),
            ),
          }));
        }),
    );

    socket.on(
      'host-stats.subscribe',
      (request, ack) =>
        void answer(ack, this.log, () => {
          const parsed = parseRequest(ZHostStreamRequest, request);
          return subscribe(async (id, end) => ({
            leave: await this.stats.host(principal, parsed.hostId, {
              next: (sample) =>
                socket.emit('host-stats.sample', {
                  subscriptionId: id,
                  hostId: parsed.hostId,
                  ...sample,
                }),
              end,
            }),
          }));
        }),
    );

    socket.on(
      'events.subscribe',
      (request, ack) =>
        void answer(ack, this.log, () => {
          const parsed = parseRequest(ZEventsSubscribe, request);
          return subscribe(async (id, end) => ({
            leave: await this.events.subscribe(principal, parsed, {
              event: (event) => socket.emit('engine.event', { subscriptionId: id, event }),
              end,
            }),
          }));
        }),
    );

    socket.on(
      'containers.subscribe',
      (request, ack) =>
        void answer(ack, this.log, () => {
          const parsed = parseRequest(ZContainersSubscribe, request);
          return subscribe(async (id) => ({
            leave: await this.containers.subscribe(principal, parsed.hostId, (change) =>
              socket.emit('containers.change', { subscriptionId: id, change }),
            ),
          }));
        }),
    );

    socket.on(
      'summary.subscribe',
      (_request, ack) =>
        void answer(ack, this.log, () =>
          subscribe(async (id) => {
            const { summary, leave } = await this.summary.subscribe(principal, (next) =>
              socket.emit('fleet.summary', { subscriptionId: id, summary: next }),
            );
            return { leave, data: { summary } };
          }),
        ),
    );

    socket.on(
      'unsubscribe',
      (request, ack) =>
        void answer(ack, this.log, () => {
          const { subscriptionId } = parseRequest(ZSubscriptionRef, request);
          open.get(subscriptionId)?.();
          open.delete(subscriptionId);
          return Promise.resolve(null);
        }),
    );

    socket.on('disconnect', () => {
      for (const leave of open.values()) leave();
      open.clear();
    });
  }
}
