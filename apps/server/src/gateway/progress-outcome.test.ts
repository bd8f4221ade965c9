import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from '@jest/globals';
import { ProgressOutcome } from './progress-outcome.js';

/** Runs chunks through a ProgressOutcome; returns what came out and what was settled. */
async function run(chunks: string[]): Promise<{ output: string; settled: (string | null)[] }> {
  const settled: (string | null)[] = [];
  const outcome = new ProgressOutcome((failure) => {
    settled.push(failure);
    return Promise.resolve();
  });
  const output = await text(Readable.from(chunks.map((c) => Buffer.from(c))).pipe(outcome));
  return { output, settled };
}

describe('ProgressOutcome', () => {
  it('passes the stream on unchanged and settles success when no error line came', async () => {
    const chunks = [
      '{"status":"Pulling from library/busybox"}\r\n',
      '{"status":"Downloa',
      'ded"}\r\n',
    ];
    const { output, settled } = await run(chunks);
    expect(output).toBe(chunks.join(''));
    expect(settled).toEqual([null]);
  });

  it("finds the engine's error line, even split across chunks", async () => {
    const { settled } = await run([
      '{"status":"The push refers to repository [127.0.0.1:5000/x]"}\r\n{"errorDe',
      'tail":{"message":"unauthorized: authentication required"},"error":"unauthorized: authentication required"}\r\n',
    ]);
    expect(settled).toEqual(['unauthorized: authentication required']);
  });

  it('reads a last line without a newline, and keeps the first error of several', async () => {
    const { settled } = await run([
      '{"error":"first"}\n',
      '{"errorDetail":{"message":"second"},"error":"second"}',
    ]);
    expect(settled).toEqual(['first']);
  });

  it('ignores lines that only mention errors in their text', async () => {
    const { settled } = await run(['{"stream":"no \\"error\\" here"}\n', 'plain "error" text\n']);
    expect(settled).toEqual([null]);
  });

  it('settles before the end of the stream is passed on', async () => {
    const order: string[] = [];
    const outcome = new ProgressOutcome(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push('settled');
    });
    outcome.on('end', () => order.push('end'));
    outcome.resume();
    outcome.end('{"status":"done"}\n');
    await new Promise((resolve) => outcome.once('end', resolve));
    expect(order).toEqual(['settled', 'end']);
  });
});
