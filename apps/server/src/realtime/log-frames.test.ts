import { describe, expect, it } from '@jest/globals';
import type { TLogLine } from '@berth/shared';
import {
  FrameDemuxer,
  LineSplitter,
  type OutputStream,
  engineTime,
  linesAfter,
} from './log-frames.js';

function frame(type: 1 | 2, text: string | Buffer): Buffer {
  const payload = typeof text === 'string' ? Buffer.from(text) : text;
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

function collect(chunks: Buffer[], timestamps = false): TLogLine[] {
  const demux = new FrameDemuxer();
  const lines = new LineSplitter(timestamps);
  const out: TLogLine[] = [];
  for (const chunk of chunks) {
    demux.push(chunk, (stream: OutputStream, payload) =>
      lines.push(stream, payload, (l) => out.push(l)),
    );
  }
  lines.flush((l) => out.push(l));
  return out;
}

describe('FrameDemuxer + LineSplitter', () => {
  it('marks stdout and stderr and splits lines', () => {
    expect(collect([frame(1, 'one\ntwo\n'), frame(2, 'oops\n')])).toEqual([
      { stream: 'stdout', text: 'one' },
      { stream: 'stdout', text: 'two' },
      { stream: 'stderr', text: 'oops' },
    ]);
  });

  it('joins frames and headers split across chunks', () => {
    const all = Buffer.concat([frame(1, 'hello '), frame(1, 'world\n'), frame(2, 'e\n')]);
    const chunks = [
      all.subarray(0, 3),
      all.subarray(3, 11),
      all.subarray(11, 20),
      all.subarray(20),
    ];
    expect(collect(chunks)).toEqual([
      { stream: 'stdout', text: 'hello world' },
      { stream: 'stderr', text: 'e' },
    ]);
  });

  it('keeps a line that interleaves with the other stream apart', () => {
    expect(collect([frame(1, 'par'), frame(2, 'err\n'), frame(1, 'tial\n')])).toEqual([
      { stream: 'stderr', text: 'err' },
      { stream: 'stdout', text: 'partial' },
    ]);
  });

  it('decodes UTF-8 split over frames and flushes a last line without newline', () => {
    const snow = Buffer.from('☃\n');
    expect(
      collect([frame(1, snow.subarray(0, 1)), frame(1, snow.subarray(1)), frame(1, 'end')]),
    ).toEqual([
      { stream: 'stdout', text: '☃' },
      { stream: 'stdout', text: 'end' },
    ]);
  });

  it('takes the engine timestamp off each line', () => {
    expect(collect([frame(1, '2026-01-02T03:04:05.123456789Z hi there\r\n')], true)).toEqual([
      { stream: 'stdout', time: '2026-01-02T03:04:05.123456789Z', text: 'hi there' },
    ]);
  });
});

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
    const sink = linesAfter<TLogLine>('1796512200.000000002', {
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
    const sink = linesAfter<TLogLine>('999999999.900000000', {
      next: (l) => seen.push(l.text),
      end: () => {},
    });
    sink.next(line('2001-09-09T01:46:40.000000000Z', 'ten digits of seconds'));
    expect(seen).toEqual(['ten digits of seconds']);
  });
});
