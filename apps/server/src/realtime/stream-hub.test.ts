import { describe, expect, it } from '@jest/globals';
import { StreamHub, type StreamSink, type StreamViewer } from './stream-hub.js';

function viewer<T>() {
  const seen: T[] = [];
  const ended: string[] = [];
  const v: StreamViewer<T> = {
    next: (item) => seen.push(item),
    end: (reason) => ended.push(reason),
  };
  return { v, seen, ended };
}

/** An opener the test drives by hand. */
function upstream<T>() {
  let sink: StreamSink<T> | null = null;
  let resolveOpen: ((close: () => void) => void) | null = null;
  let rejectOpen: ((error: Error) => void) | null = null;
  const state = { opens: 0, closes: 0 };
  const open = (s: StreamSink<T>) => {
    state.opens += 1;
    sink = s;
    return new Promise<() => void>((resolve, reject) => {
      resolveOpen = resolve;
      rejectOpen = reject;
    });
  };
  return {
    open,
    state,
    ready: async () => {
      resolveOpen?.(() => (state.closes += 1));
      await Promise.resolve();
    },
    fail: async (message: string) => {
      rejectOpen?.(new Error(message));
      await new Promise((resolve) => setImmediate(resolve));
    },
    push: (item: T) => sink?.next(item),
    end: (reason: string) => sink?.end(reason),
  };
}

describe('StreamHub', () => {
  it('opens one upstream per key for any number of viewers and closes it when the last leaves', async () => {
    const hub = new StreamHub<number>();
    const up = upstream<number>();
    const a = viewer<number>();
    const b = viewer<number>();
    const leaveA = hub.join('k', a.v, up.open);
    const leaveB = hub.join('k', b.v, up.open);
    await up.ready();
    expect(up.state.opens).toBe(1);
    expect(hub.upstreams).toBe(1);
    expect(hub.viewersOf('k')).toBe(2);
    up.push(1);
    expect(a.seen).toEqual([1]);
    expect(b.seen).toEqual([1]);
    leaveA();
    expect(up.state.closes).toBe(0);
    up.push(2);
    expect(a.seen).toEqual([1]);
    expect(b.seen).toEqual([1, 2]);
    leaveB();
    expect(up.state.closes).toBe(1);
    expect(hub.upstreams).toBe(0);
  });

  it('keeps keys apart', async () => {
    const hub = new StreamHub<string>();
    const one = upstream<string>();
    const two = upstream<string>();
    const a = viewer<string>();
    const b = viewer<string>();
    hub.join('one', a.v, one.open);
    hub.join('two', b.v, two.open);
    await one.ready();
    await two.ready();
    one.push('x');
    expect(a.seen).toEqual(['x']);
    expect(b.seen).toEqual([]);
    expect(hub.upstreams).toBe(2);
  });

  it('replays the last items to a viewer who joins later', async () => {
    const hub = new StreamHub<number>(2);
    const up = upstream<number>();
    const a = viewer<number>();
    hub.join('k', a.v, up.open);
    await up.ready();
    [1, 2, 3].forEach((n) => up.push(n));
    const late = viewer<number>();
    hub.join('k', late.v, up.open);
    expect(late.seen).toEqual([2, 3]);
    expect(up.state.opens).toBe(1);
  });

  it('closes an upstream that finishes opening after every viewer left', async () => {
    const hub = new StreamHub<number>();
    const up = upstream<number>();
    const leave = hub.join('k', viewer<number>().v, up.open);
    leave();
    expect(hub.upstreams).toBe(0);
    await up.ready();
    expect(up.state.closes).toBe(1);
  });

  it('ends every viewer when the upstream ends, and the next viewer opens a new one', async () => {
    const hub = new StreamHub<number>();
    const first = upstream<number>();
    const a = viewer<number>();
    const b = viewer<number>();
    hub.join('k', a.v, first.open);
    hub.join('k', b.v, first.open);
    await first.ready();
    first.end('container stopped');
    expect(a.ended).toEqual(['container stopped']);
    expect(b.ended).toEqual(['container stopped']);
    expect(hub.upstreams).toBe(0);
    const second = upstream<number>();
    hub.join('k', viewer<number>().v, second.open);
    expect(second.state.opens).toBe(1);
  });

  it('ends the viewers with the reason when the upstream cannot be opened', async () => {
    const hub = new StreamHub<number>();
    const up = upstream<number>();
    const a = viewer<number>();
    hub.join('k', a.v, up.open);
    await up.fail('no such container');
    expect(a.ended).toEqual(['no such container']);
    expect(hub.upstreams).toBe(0);
  });

  it('a viewer that throws does not stop the others', async () => {
    const hub = new StreamHub<number>();
    const up = upstream<number>();
    const seen: number[] = [];
    hub.join(
      'k',
      {
        next: () => {
          throw new Error('broken');
        },
        end: () => undefined,
      },
      up.open,
    );
    hub.join('k', { next: (n) => seen.push(n), end: () => undefined }, up.open);
    await up.ready();
    up.push(7);
    expect(seen).toEqual([7]);
  });

  it('leaving twice is harmless', async () => {
    const hub = new StreamHub<number>();
    const up = upstream<number>();
    const leave = hub.join('k', viewer<number>().v, up.open);
    hub.join('k', viewer<number>().v, up.open);
    await up.ready();
    leave();
    leave();
    expect(hub.viewersOf('k')).toBe(1);
    expect(up.state.closes).toBe(0);
  });
});
