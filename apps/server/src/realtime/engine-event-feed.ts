import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { TEngineEvent, ZEventsSubscribe } from '@berth/shared';
import type { z } from 'zod';
import type { EngineEventMessage } from '../docker/engine-events.js';
import type { Principal } from '../auth/principal.js';
import { ContainerAccess, type ListReach, withinReach } from '../containers/container-access.js';
import { EngineRegistry } from '../hosts/engine-registry.js';
import { HostEvents } from '../hosts/host-events.js';
import { ContainerInventory } from '../inventory/container-inventory.js';
import { StreamHub, type StreamSink } from './stream-hub.js';

export type EventsRequest = z.output<typeof ZEventsSubscribe>;

/** A viewer's filter and delivery, given how far its permission reaches on the event's host. */
type FleetView = (event: TEngineEvent, reach: ListReach) => void;

/** The fleet-wide viewers of one host, fed by one viewer of its stream. */
interface HostRelay {
  views: Map<FleetView, ListReach>;
  leave: () => void;
}

export interface EventsViewer {
  event(event: TEngineEvent): void;
  end(reason: string): void;
}

/**
 * The engines' event feeds (`system.info` on each host): the host's one events stream
 * (`EngineClient.events`, shared with the inventory), fanned out to every viewer and filtered per
 * viewer. A fleet-wide viewer follows every host it may read, picking hosts up again when they
 * come back. Fleet-wide viewers share one relay per host (every dashboard page opens one), so such
 * a viewer costs a map entry per host rather than a stream viewer of its own on each.
 */
@Injectable()
export class EngineEventFeed implements OnApplicationShutdown {
  readonly hub = new StreamHub<TEngineEvent>();
  private readonly relays = new Map<string, HostRelay>();

  constructor(
    private readonly access: ContainerAccess,
    private readonly engines: EngineRegistry,
    private readonly inventory: ContainerInventory,
    private readonly hostEvents: HostEvents,
  ) {}

  onApplicationShutdown(): void {
    this.hub.closeAll('the server is stopping');
  }

  async subscribe(
    principal: Principal,
    request: EventsRequest,
    viewer: EventsViewer,
  ): Promise<() => void> {
    const matches = filterOf(request);
    const user = principal.user;
    const view: FleetView = (event, reach) => {
      if (matches(event) && visibleTo(event, reach, user.id)) viewer.event(event);
    };
    if (request.hostId) {
      const permit = await this.access.require(principal, request.hostId, 'system.info');
      return this.hub.join(
        request.hostId,
        { next: (event) => view(event, permit), end: (reason) => viewer.end(reason) },
        (sink) => this.open(request.hostId!, sink),
      );
    }
    let closed = false;
    const join = async (hostId: string) => {
      if (closed || this.relays.get(hostId)?.views.has(view)) return;
      const reach = await this.access.reachOn(user, hostId, 'system.info');
      if (!reach || closed) return;
      this.relayOf(hostId).views.set(view, reach);
    };
    await Promise.all(this.inventory.all().map((host) => join(host.hostId)));
    const stopStatus = this.hostEvents.onStatus((status) => {
      // With the database unavailable the host is joined when it is next seen up.
      if (status.status === 'up') join(status.hostId).catch(() => undefined);
    });
    return () => {
      closed = true;
      stopStatus();
      for (const [hostId, relay] of [...this.relays]) this.leaveRelay(hostId, relay, view);
    };
  }

  /**
   * The host's relay to fleet-wide viewers, joined to its stream when first needed. A host that
   * drops out loses its relay (and so every viewer of it) until it is seen up again.
   */
  private relayOf(hostId: string): HostRelay {
    const known = this.relays.get(hostId);
    if (known) return known;
    const views = new Map<FleetView, ListReach>();
    const relay: HostRelay = { views, leave: () => undefined };
    this.relays.set(hostId, relay);
    relay.leave = this.hub.join(
      hostId,
      {
        next: (event) => {
          for (const [view, reach] of views) {
            try {
              view(event, reach);
            } catch {
              // one viewer's failure must not stop the others
            }
          }
        },
        end: () => {
          if (this.relays.get(hostId) === relay) this.relays.delete(hostId);
          views.clear();
        },
      },
      (sink) => this.open(hostId, sink),
    );
    return relay;
  }

  private leaveRelay(hostId: string, relay: HostRelay, view: FleetView): void {
    if (!relay.views.delete(view) || relay.views.size > 0) return;
    if (this.relays.get(hostId) === relay) this.relays.delete(hostId);
    relay.leave();
  }

  private async open(hostId: string, sink: StreamSink<TEngineEvent>): Promise<() => void> {
    const engine = await this.engines.get(hostId);
    if (!engine) throw new Error('the host was removed');
    return engine.client.events.subscribe({
      event: (raw) => sink.next(toEvent(hostId, raw)),
      end: (reason) => sink.end(reason),
    });
  }
}

function toEvent(hostId: string, raw: EngineEventMessage): TEngineEvent {
  const attributes = raw.Actor?.Attributes ?? {};
  const nanos = raw.timeNano ?? (raw.time ?? 0) * 1e9;
  return {
    hostId,
    type: raw.Type ?? '',
    action: raw.Action ?? '',
    id: raw.Actor?.ID ?? raw.id ?? '',
    name: attributes.name ?? null,
    attributes,
    time: new Date(Math.floor(nanos / 1e6)).toISOString(),
  };
}

/**
 * What an owner-limited viewer sees: events of their own or their team's containers (the engine
 * puts a container's labels in its events' attributes) and image events (images are shared).
 * Network, volume and other events carry no owner, so they are not shown to them.
 */
function visibleTo(event: TEngineEvent, { reach, teamIds }: ListReach, userId: string): boolean {
  if (reach === 'all') return true;
  if (event.type === 'image') return true;
  return event.type === 'container' && withinReach(event.attributes, reach, userId, teamIds);
}

/** Types and actions as given; `health_status` also matches `health_status: healthy`. */
function filterOf(request: EventsRequest): (event: TEngineEvent) => boolean {
  const types = request.types && request.types.length > 0 ? new Set(request.types) : null;
  const actions = request.actions && request.actions.length > 0 ? new Set(request.actions) : null;
  const container = request.containerId?.replace(/^\//, '') ?? null;
  return (event) => {
    if (types && !types.has(event.type)) return false;
    if (actions && !actions.has(event.action) && !actions.has(event.action.split(':')[0] ?? '')) {
      return false;
    }
    if (container) {
      if (event.type !== 'container') return false;
      if (!event.id.startsWith(container) && event.name !== container) return false;
    }
    return true;
  };
}
