import { describe, expect, it } from '@jest/globals';
import type { TLogLine } from '@berth/shared';
import { FrameDemuxer, LineSplitter, type OutputStream } from './log-frames.js';

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
