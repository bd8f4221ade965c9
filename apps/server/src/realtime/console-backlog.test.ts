import { describe, expect, it } from '@jest/globals';
import { ConsoleBacklog } from './console-backlog.js';

describe('ConsoleBacklog', () => {
  it('answers what came after an offset', () => {
    const backlog = new ConsoleBacklog(100);
    backlog.append('hello ');
    backlog.append('world');
    expect(backlog.end).toBe(11);
    expect(backlog.since(0)).toBe('hello world');
    expect(backlog.since(6)).toBe('world');
    expect(backlog.since(11)).toBe('');
    expect(backlog.since(50)).toBe('');
  });

  it('keeps only the latest characters, cutting a chunk at the front when it must', () => {
    const backlog = new ConsoleBacklog(5);
    backlog.append('abc');
    backlog.append('defg');
    expect([backlog.start, backlog.end]).toEqual([2, 7]);
    expect(backlog.since(0)).toBe('cdefg');
    expect(backlog.since(4)).toBe('efg');
    backlog.append('hijklmnop');
    expect(backlog.since(0)).toBe('lmnop');
    expect(backlog.start).toBe(11);
  });
});
