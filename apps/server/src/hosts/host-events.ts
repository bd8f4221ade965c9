import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';
import type { ServerToClientEvents } from '@berth/shared';

export type HostStatusEvent = Parameters<ServerToClientEvents['host.status']>[0];

/** In-process notifications about hosts; the realtime module forwards them to dashboards. */
@Injectable()
export class HostEvents {
  private readonly emitter = new EventEmitter();

  emitStatus(event: HostStatusEvent): void {
    this.emitter.emit('status', event);
  }

  onStatus(listener: (event: HostStatusEvent) => void): () => void {
    this.emitter.on('status', listener);
    return () => this.emitter.off('status', listener);
  }
}
