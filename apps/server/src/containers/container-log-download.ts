import { Transform, type Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { TContainerLogsQuery, TLogLine } from '@berth/shared';
import { CONFIG, type Config } from '../config/config.js';
import { FrameDemuxer, LineSplitter } from '../realtime/log-frames.js';
import type { Caller } from './caller.js';
import { ContainerAccess } from './container-access.js';
import { engineError } from './engine-error.js';

export interface LogDownload {
  fileName: string;
  body: Readable;
}

/**
 * A container's logs as a text file: the range asked for is read from the engine in one call
 * (never followed), its stdout and stderr frames demultiplexed into plain lines.
 */
@Injectable()
export class ContainerLogDownload {
  constructor(
    private readonly access: ContainerAccess,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async open(
    caller: Caller,
    hostId: string,
    ref: string,
    query: TContainerLogsQuery,
  ): Promise<LogDownload> {
    const { permit, container } = await this.access.requireContainer(
      caller.principal,
      hostId,
      ref,
      'container.logs',
      caller.grant,
    );
    const engine = permit.engine;
    const timestamps = query.timestamps === true;
    const params = new URLSearchParams({
      stdout: '1',
      stderr: '1',
      follow: '0',
      tail: String(query.tail),
      timestamps: timestamps ? '1' : '0',
    });
    if (query.since !== undefined) params.set('since', String(query.since));
    if (query.until !== undefined) params.set('until', String(query.until));
    try {
      const info = await engine.client.inspectContainer(container.id);
      const res = await engine.client.stream({
        path: `/containers/${encodeURIComponent(container.id)}/logs?${params.toString()}`,
        timeoutMs: this.config.engineTimeoutMs,
      });
      const body = res.pipe(logText(Boolean(info.Config?.Tty), timestamps, query.prefix === true));
      res.on('error', (error) => body.destroy(error));
      return { fileName: `${container.name.replace(/^\//, '')}.log`, body };
    } catch (error) {
      throw engineError(error, 'container', engine.name);
    }
  }
}

/** Engine log bytes → lines of text; with a TTY the engine sends the terminal's output unframed. */
function logText(tty: boolean, timestamps: boolean, prefix: boolean): Transform {
  const lines = new LineSplitter(timestamps);
  const demux = new FrameDemuxer();
  const format = (line: TLogLine) =>
    `${prefix ? `${line.stream} ` : ''}${line.time ? `${line.time} ` : ''}${line.text}\n`;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let out = '';
      const emit = (line: TLogLine) => (out += format(line));
      if (tty) lines.push('stdout', chunk, emit);
      else demux.push(chunk, (stream, payload) => lines.push(stream, payload, emit));
      done(null, out || undefined);
    },
    flush(done) {
      let out = '';
      lines.flush((line) => (out += format(line)));
      done(null, out || undefined);
    },
  });
}
