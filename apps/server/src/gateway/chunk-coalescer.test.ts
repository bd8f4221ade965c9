import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { ChunkCoalescer } from './chunk-coalescer.js';

/** Collects what comes out of a coalescer: each output chunk as a string. */
function collect(stream: ChunkCoalescer): string[] {
  const out: string[] = [];
  stream.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  return out;
}

/**
 * The coalescer's windows run on a fake clock, so a busy machine cannot stretch them; the stream's
 * own events still go out on real ticks.
 */
beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
});
afterEach(() => {
  jest.useRealTimers();
});

/** Lets the stream deliver what it pushed. */
const settle = () => new Promise((resolve) => setImmediate(resolve));
/** `ms` pass on the coalescer's clock, then its output is delivered. */
const tick = async (ms: number) => {
  jest.advanceTimersByTime(ms);
  await settle();
};

describe('ChunkCoalescer', () => {
  it('sends the first chunk at once and gathers the ones that follow into one', async () => {
    const stream = new ChunkCoalescer();
    const out = collect(stream);
    stream.write('line 1\n');
    await tick(0);
    expect(out).toEqual(['line 1\n']);
    for (let i = 2; i <= 50; i += 1) stream.write(`line ${i}\n`);
    await tick(20);
    expect(out).toHaveLength(2);
    expect(out.join('')).toBe(Array.from({ length: 50 }, (_, i) => `line ${i + 1}\n`).join(''));
  });

  it('after a quiet spell, sends the next chunk at once again', async () => {
    const stream = new ChunkCoalescer();
    const out = collect(stream);
    stream.write('a');
    await tick(20);
    stream.write('b');
    await tick(0);
    expect(out).toEqual(['a', 'b']);
  });

  it('sends a large batch without waiting, and what is left when the stream ends', async () => {
    const stream = new ChunkCoalescer();
    const out = collect(stream);
    const ended = new Promise((resolve) => stream.on('end', resolve));
    stream.write('first');
    const piece = 'x'.repeat(16 * 1024);
    for (let i = 0; i < 5; i += 1) stream.write(piece);
    await tick(0);
    expect(out).toEqual(['first', piece.repeat(4)]);
    stream.end('last');
    await ended;
    expect(out.slice(2)).toEqual([`${piece}last`]);
  });
});
