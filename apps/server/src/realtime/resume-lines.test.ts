import { describe, expect, it } from '@jest/globals';
import type { TLogLine } from '@berth/shared';
import { resumeLines } from './resume-lines.js';

/** A line at `2026-12-05T23:10:00.<nanos>Z`, whose engine time is `1796512200.<nanos>`. */
const at = (nanos: number, text: string): TLogLine => ({
  stream: 'stdout',
  time: `2026-12-05T23:10:00.${String(nanos).padStart(9, '0')}Z`,
  text,
});
const time = (nanos: number) => `1796512200.${String(nanos).padStart(9, '0')}`;

/** A viewer resuming after `cursor`, with a read of the gap the test answers by hand. */
function resumed(cursor: number) {
  const seen: string[] = [];
  const ended: string[] = [];
  const reads: (string | undefined)[] = [];
  let answer: { resolve: (lines: TLogLine[]) => void; reject: (error: Error) => void } | null =
    null;
  const sink = resumeLines<TLogLine>(
    time(cursor),
    { next: (l) => seen.push(l.text), end: (reason) => ended.push(reason) },
    (until) => {
      reads.push(until);
      return new Promise((resolve, reject) => (answer = { resolve, reject }));
    },
  );
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    sink,
    seen,
    ended,
    reads,
    read: async (lines: TLogLine[]) => {
      answer?.resolve(lines);
      await settle();
    },
    fail: async (message: string) => {
      answer?.reject(new Error(message));
      await settle();
    },
  };
}

describe('resumeLines', () => {
  it('passes what comes after the cursor without a read when the stream reaches back to it', () => {
    const v = resumed(2);
    for (const [n, text] of [
      [1, 'had'],
      [2, 'had too'],
      [3, 'new'],
    ] as const)
      v.sink.next(at(n, text));
    v.sink.end('the container stopped');
    expect(v.reads).toEqual([]);
    expect(v.seen).toEqual(['new']);
    expect(v.ended).toEqual(['the container stopped']);
  });

  it("reads the lines between the cursor and the stream's first line, holding the stream's meanwhile", async () => {
    const v = resumed(2);
    v.sink.next(at(6, 'kept'));
    v.sink.next(at(7, 'live'));
    v.sink.end('the container stopped');
    expect(v.reads).toEqual([time(6)]);
    expect(v.seen).toEqual([]);
    // The engine's `since` and `until` both include their own time.
    await v.read([at(2, 'had'), at(3, 'gap'), at(5, 'gap too'), at(6, 'kept')]);
    expect(v.seen).toEqual(['gap', 'gap too', 'kept', 'live']);
    expect(v.ended).toEqual(['the container stopped']);
  });

  it("tells lines at the first line's own time apart by how many of them the stream gave", async () => {
    const v = resumed(2);
    v.sink.next(at(5, 'b'));
    v.sink.next(at(5, 'c'));
    v.sink.next(at(8, 'live'));
    await v.read([at(3, 'gap'), at(5, 'a'), at(5, 'b'), at(5, 'c')]);
    v.sink.next(at(9, 'later'));
    expect(v.seen).toEqual(['gap', 'a', 'b', 'c', 'live', 'later']);
  });

  it('ends with the reason of a failed read and sends nothing after the gap', async () => {
    const v = resumed(2);
    v.sink.next(at(6, 'kept'));
    await v.fail('container not found');
    v.sink.next(at(7, 'live'));
    expect(v.seen).toEqual([]);
    expect(v.ended).toEqual(['container not found']);
  });

  it('reads to the end of the log when the stream ends before giving this viewer a line', async () => {
    const v = resumed(2);
    v.sink.end('the container stopped');
    expect(v.reads).toEqual([undefined]);
    await v.read([at(2, 'had'), at(4, 'gap')]);
    expect(v.seen).toEqual(['gap']);
    expect(v.ended).toEqual(['the container stopped']);
  });
});
