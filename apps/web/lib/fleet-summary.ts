import type { THost } from '@berth/shared';

export interface FleetSummary {
  hosts: number;
  up: number;
  /** Down, unauthorized or failing TLS: everything that answered badly or not at all. */
  failing: number;
  /** Not checked yet. */
  unknown: number;
  /** Hosts whose engine facts are known; the container and image sums cover only these. */
  reporting: number;
  running: number;
  paused: number;
  stopped: number;
  images: number;
}

export function summarizeFleet(hosts: readonly THost[]): FleetSummary {
  const summary: FleetSummary = {
    hosts: hosts.length,
    up: 0,
    failing: 0,
    unknown: 0,
    reporting: 0,
    running: 0,
    paused: 0,
    stopped: 0,
    images: 0,
  };
  for (const host of hosts) {
    switch (host.status) {
      case 'up':
        summary.up += 1;
        break;
      case 'unknown':
        summary.unknown += 1;
        break;
      case 'down':
      case 'unauthorized':
      case 'tls_error':
        summary.failing += 1;
        break;
    }
    if (host.engine) {
      summary.reporting += 1;
      summary.running += host.engine.containers.running;
      summary.paused += host.engine.containers.paused;
      summary.stopped += host.engine.containers.stopped;
      summary.images += host.engine.images;
    }
  }
  return summary;
}
