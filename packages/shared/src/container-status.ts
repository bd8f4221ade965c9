/*
 * The engine's container status text ("Up 5 minutes (healthy)", "Exited (0) 3 hours ago") is a
 * duration frozen at the moment it was listed. Read back into a timestamp, it can be shown ticking
 * and alike for every listing of the same engine, whenever each was made.
 */

/** What a status text says, with the moment its duration counts from. */
export type ContainerStatusFacts =
  | { kind: 'up'; since: number; suffix: string }
  | { kind: 'exited' | 'restarting'; since: number; exitCode: number }
  | { kind: 'other'; text: string };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The duration a HumanDuration text (moby's go-units) stands for, in ms: the middle of the range
 * the text covers, so a reading errs by at most half a step either way.
 */
export function durationOfHumanText(text: string): number | null {
  const t = text.trim();
  if (/^less than a second$/i.test(t)) return 500;
  if (/^about a minute$/i.test(t)) return 90_000;
  if (/^about an hour$/i.test(t)) return HOUR;
  const match = /^(\d+) (second|minute|hour|day|week|month|year)s?$/i.exec(t);
  if (!match) return null;
  const n = Number(match[1]);
  const unit = (match[2] ?? '').toLowerCase();
  switch (unit) {
    case 'second':
      return n * 1000 + 500;
    case 'minute':
      return n * MINUTE + 30_000;
    case 'hour':
      // Hours are rounded to the nearest, the larger units truncated.
      return n * HOUR;
    case 'day':
      return n * DAY + DAY / 2;
    case 'week':
      return n * 7 * DAY + 3.5 * DAY;
    case 'month':
      return n * 30 * DAY + 15 * DAY;
    case 'year':
      return n * 365 * DAY + 182 * DAY;
    default:
      return null;
  }
}

/** Reads `status` as the engine wrote it at `listedAt` (ms). */
export function readContainerStatus(status: string, listedAt: number): ContainerStatusFacts {
  const up = /^Up (.+?)( \((?:Paused|healthy|unhealthy|health: starting)\))?$/.exec(status);
  if (up) {
    const duration = durationOfHumanText(up[1] ?? '');
    if (duration !== null) return { kind: 'up', since: listedAt - duration, suffix: up[2] ?? '' };
  }
  const ended = /^(Exited|Restarting) \((-?\d+)\) (.+) ago$/.exec(status);
  if (ended) {
    const duration = durationOfHumanText(ended[3] ?? '');
    if (duration !== null) {
      return {
        kind: ended[1] === 'Exited' ? 'exited' : 'restarting',
        since: listedAt - duration,
        exitCode: Number(ended[2]),
      };
    }
  }
  return { kind: 'other', text: status };
}

/** moby's HumanDuration, so the text reads as `docker ps` writes it. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / MINUTE);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(ms / HOUR + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / HOUR / 24 / 365)} years`;
}

/** The status text as of `now`: what the engine would say if asked again then. */
export function containerStatusAt(facts: ContainerStatusFacts, now: number): string {
  switch (facts.kind) {
    case 'up':
      return `Up ${humanDuration(Math.max(0, now - facts.since))}${facts.suffix}`;
    case 'exited':
      return `Exited (${facts.exitCode}) ${humanDuration(Math.max(0, now - facts.since))} ago`;
    case 'restarting':
      return `Restarting (${facts.exitCode}) ${humanDuration(Math.max(0, now - facts.since))} ago`;
    case 'other':
      return facts.text;
  }
}
