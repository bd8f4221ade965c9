import { describe, expect, it } from '@jest/globals';
import type { TLogLine } from '@berth/shared';
import { engineTime, linesAfter } from './log-streams.js';

describe('engineTime', () => {
  it("turns the engine's RFC 3339 nanosecond time into the seconds.nanoseconds its since takes", () => {
    expect(engineTime('2026-12-05T23:10:00.123456789Z')).toBe('1796512200.123456789');
    expect(engineTime('2026-12-05T23:10:00.5Z')).toBe('1796512200.500000000');
    expect(engineTime('2026-12-05T23:10:00Z')).toBe('1796512200.000000000');
    expect(engineTime('2026-12-06T00:10:00.000000001+01:00')).toBe('1796512200.000000001');
  });

  it('answers null for what is not a time', () => {
    expect(engineTime('yesterday')).toBeNull();
    expect(engineTime('2026-13-45T99:10:00Z')).toBeNull();
  });
});

describe('linesAfter', () => {
  const line = (time: string | undefined, text: string): TLogLine =>
    time === undefined ? { stream: 'stdout', text } : { stream: 'stdout', time, text };

  it('skips the lines at or before the last one passed on, then passes every line', () => {
    const seen: string[] = [];
    const ended: string[] = [];
    const sink = linesAfter('1796512200.000000002', {
      next: (l) => seen.push(l.text),
      end: (reason) => ended.push(reason),
    });
    sink.next(line('2026-12-05T23:10:00.000000001Z', 'had'));
    sink.next(line('2026-12-05T23:10:00.000000002Z', 'had too'));
    sink.next(line('2026-12-05T23:10:00.000000010Z', 'new'));
    // Once caught up nothing is skipped, even a line whose clock went back.
    sink.next(line('2026-12-05T23:09:59Z', 'after, with an earlier time'));
    sink.next(line(undefined, 'no time'));
    sink.end('the container stopped');
    expect(seen).toEqual(['new', 'after, with an earlier time', 'no time']);
    expect(ended).toEqual(['the container stopped']);
  });

  it('compares whole seconds as numbers, not as text', () => {
    const seen: string[] = [];
    const sink = linesAfter('999999999.900000000', {
      next: (l) => seen.push(l.text),
      end: () => {},
    });
    sink.next(line('2001-09-09T01:46:40.000000000Z', 'ten digits of seconds'));
    expect(seen).toEqual(['ten digits of seconds']);
  });
});
