import type { THostStatus } from './schemas/hosts.js';

/** Events the server pushes to dashboards, by name. Both sides are typed from this one map. */
export interface ServerToClientEvents {
  'host.status': (event: {
    hostId: string;
    status: THostStatus;
    error: string | null;
    at: string;
  }) => void;
}

export type ClientToServerEvents = Record<string, never>;
