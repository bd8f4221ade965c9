import { PassThrough } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { followBuildLog } from './build-log.js';

function engineOutput(lines: unknown[]): PassThrough {
  const stream = new PassThrough();
  // Split mid-line, as the engine's chunks come.
  const text = lines.map((line) => JSON.stringify(line)).join('\r\n') + '\r\n';
  stream.write(text.slice(0, 17));
  stream.end(text.slice(17));
  return stream;
}

describe('build log', () => {
  it('passes each printed line on and answers the image made', async () => {
    const seen: string[] = [];
    const end = await followBuildLog(
      engineOutput([
        { stream: 'Step 1/2 : FROM local/busybox:latest\n' },
        { stream: ' ---> 3f2a\n' },
        { stream: 'Step 2/2 : RUN echo hi\n' },
        { stream: 'hi\n\n' },
        { aux: { ID: 'sha256:abc' } },
        { stream: 'Successfully built abc\n' },
      ]),
      (line) => seen.push(line),
    );
    expect(seen).toEqual([
      'Step 1/2 : FROM local/busybox:latest',
      ' ---> 3f2a',
      'Step 2/2 : RUN echo hi',
      'hi',
      'Successfully built abc',
    ]);
    expect(end).toEqual({ id: 'sha256:abc', error: null, failedStep: null });
  });

  it('names the step a failure came at', async () => {
    const end = await followBuildLog(
      engineOutput([
        { stream: 'Step 1/3 : FROM local/busybox:latest\n' },
        { stream: 'Step 2/3 : RUN exit 3\n' },
        {
          errorDetail: {
            code: 3,
            message: "The command '/bin/sh -c exit 3' returned a non-zero code: 3",
          },
          error: "The command '/bin/sh -c exit 3' returned a non-zero code: 3",
        },
      ]),
      () => undefined,
    );
    expect(end).toEqual({
      id: null,
      error: "The command '/bin/sh -c exit 3' returned a non-zero code: 3",
      failedStep: 'Step 2/3 : RUN exit 3',
    });
  });
});
