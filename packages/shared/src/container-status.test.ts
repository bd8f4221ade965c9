import { describe, expect, it } from '@jest/globals';
import {
  containerStatusAt,
  durationOfHumanText,
  humanDuration,
  readContainerStatus,
} from './container-status.js';

const T = Date.parse('2026-12-05T10:00:00Z');
const MINUTE = 60_000;

describe('container status text', () => {
  it('ticks on from the moment the engine listed it', () => {
    const facts = readContainerStatus('Up Less than a second', T);
    expect(containerStatusAt(facts, T)).toBe('Up Less than a second');
    expect(containerStatusAt(facts, T + 20 * MINUTE)).toBe('Up 20 minutes');
    const exited = readContainerStatus('Exited (137) 3 minutes ago', T);
    expect(containerStatusAt(exited, T + 2 * 60 * MINUTE)).toBe('Exited (137) 2 hours ago');
  });

  it('keeps the health or paused note', () => {
    const facts = readContainerStatus('Up 5 seconds (health: starting)', T);
    expect(containerStatusAt(facts, T + 60_000)).toBe('Up About a minute (health: starting)');
    expect(containerStatusAt(readContainerStatus('Up 2 hours (Paused)', T), T)).toBe(
      'Up 2 hours (Paused)',
    );
  });

  it('two listings of one engine made minutes apart say the same', () => {
    const first = readContainerStatus('Up 7 minutes', T);
    const second = readContainerStatus('Up 12 minutes', T + 5 * MINUTE);
    const later = T + 40 * MINUTE;
    expect(containerStatusAt(first, later)).toBe(containerStatusAt(second, later));
  });

  it('reads every HumanDuration form back into its own text', () => {
    for (const text of [
      'Less than a second',
      '1 second',
      '42 seconds',
      'About a minute',
      '17 minutes',
      'About an hour',
      '30 hours',
      '9 days',
      '3 weeks',
      '5 months',
      '4 years',
    ]) {
      expect(humanDuration(durationOfHumanText(text) ?? -1)).toBe(text);
    }
  });

  it('passes any other text through', () => {
    for (const text of ['Created', 'Removal In Progress', 'Dead', 'Up forever']) {
      expect(containerStatusAt(readContainerStatus(text, T), T + MINUTE)).toBe(text);
    }
  });
});
