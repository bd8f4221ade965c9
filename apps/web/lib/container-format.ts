import type { TContainerPort, TContainerState } from '@berth/shared';
import { formatBytes } from './format';

export function shortId(id: string): string {
  return id.slice(0, 12);
}

/** The detail page of a container. */
export function containerHref(hostId: string, id: string, tab?: string): string {
  const path = `/containers/${encodeURIComponent(hostId)}/${encodeURIComponent(id)}`;
  return tab ? `${path}?tab=${tab}` : path;
}

export type StateTone = 'ok' | 'warn' | 'danger' | 'neutral';

export function stateTone(state: TContainerState): StateTone {
  switch (state) {
    case 'running':
      return 'ok';
    case 'paused':
    case 'restarting':
      return 'warn';
    case 'dead':
    case 'removing':
      return 'danger';
    case 'created':
    case 'exited':
      return 'neutral';
  }
}

/** `0.0.0.0:8080→80/tcp`, or `80/tcp` when not published; IPv4 and IPv6 twins shown once. */
export function formatPorts(ports: readonly TContainerPort[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const sorted = [...ports].sort((a, b) => a.privatePort - b.privatePort);
  for (const port of sorted) {
    const published = port.publicPort === null ? '' : `${port.publicPort}→`;
    const text = `${published}${port.privatePort}/${port.type}`;
    if (seen.has(text)) continue;
    seen.add(text);
    out.push(text);
  }
  return out;
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(Math.max(0, bytesPerSecond))}/s`;
}

export function formatPercent(value: number): string {
  return `${value.toFixed(value < 10 ? 1 : 0)} %`;
}

/** 2 s, 1 min 5 s… for durations given in seconds. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Number(seconds.toFixed(3))} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds % 60);
  return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
}
