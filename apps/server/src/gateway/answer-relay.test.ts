import { afterEach, describe, expect, it } from '@jest/globals';
import {
  createServer,
  get,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { Pool } from 'undici';
import { exchange } from '../docker/engine-exchange.js';
import { type AnswerHead, fanOut, relayAnswer, relayLines } from './answer-relay.js';
import { responseHeaders } from './engine-relay.js';

type Relay = typeof relayAnswer;
type EngineHandler = (res: ServerResponse) => void;

/**
 * A real "engine" (an HTTP server answering as `answer` says) behind a real relay server that
 * passes each answer on with `relay`, as the gateway does; the client reads through the relay.
 */
const servers: Server[] = [];
const pools: Pool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.destroy()));
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections();
      return new Promise((resolve) => s.close(resolve));
    }),
  );
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function through(relay: Relay, answer: EngineHandler, gather = true): Promise<number> {
  const enginePort = await listen(createServer((_req, res) => answer(res)));
  const pool = new Pool(`http://127.0.0.1:${enginePort}`);
  pools.push(pool);
  return listen(
    createServer((req, res) => {
      const call = exchange(
        pool,
        { method: req.method ?? 'GET', path: req.url ?? '/', headers: {}, body: null },
        {
          answered: (engineRes) => {
            const head: AnswerHead = {
              status: engineRes.statusCode,
              message: engineRes.statusMessage,
              headers: responseHeaders(engineRes.rawHeaders),
            };
            const targets = { clients: [res], stallMs: 1000 };
            if (relay === relayLines)
              relayLines(req.method ?? 'GET', engineRes, targets, head, gather);
            else relay(req.method ?? 'GET', engineRes, targets, head);
          },
          failed: () => res.destroy(),
        },
      );
      res.once('close', () => {
        if (!res.writableFinished) call.abort();
      });
    }),
  );
}

function call(port: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) =>
    get({ port, host: '127.0.0.1', path: '/' }, resolve).once('error', reject),
  );
}

function body(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (text += chunk));
    res.once('end', () => resolve(text));
    res.once('error', reject);
    res.once('aborted', () => reject(new Error('aborted')));
  });
}

/** A chunked answer of many small writes, ended at once: what dockerd does for a list or a log. */
const inPieces =
  (pieces: string[]): EngineHandler =>
  (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    for (const piece of pieces) res.write(piece);
    res.end();
  };

const LINES = Array.from({ length: 100 }, (_, i) => `line ${i}\n`);

describe.each([
  ['a plain answer', relayAnswer],
  ['a line stream', relayLines],
])('%s', (_name, relay) => {
  it('that ends at once reaches the client whole, with its length instead of chunks', async () => {
    const res = await call(await through(relay, inPieces(LINES)));
    expect(res.headers['content-length']).toBe(String(LINES.join('').length));
    expect(res.headers['transfer-encoding']).toBeUndefined();
    expect(res.headers['content-type']).toBe('application/json');
    expect(await body(res)).toBe(LINES.join(''));
  });

  it('that keeps the client waiting sends its headers first and the rest as it comes', async () => {
    let finish: () => void = () => undefined;
    const port = await through(relay, (res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first\n');
      finish = () => res.end('last\n');
    });
    // The engine ends only once the client has its headers: a relay that held them would hang.
    const res = await call(port);
    finish();
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(await body(res)).toBe('first\nlast\n');
  });

  it('that breaks off cuts the client instead of looking complete', async () => {
    const port = await through(relay, (res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('half of it', () => res.socket?.destroy());
    });
    await expect(call(port).then(body)).rejects.toThrow();
  });
});

describe('relayAnswer', () => {
  it('streams a large answer, with the engine’s own framing', async () => {
    const piece = 'x'.repeat(64 * 1024);
    const res = await call(
      await through(relayAnswer, inPieces([piece, piece, piece, piece, piece])),
    );
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect((await body(res)).length).toBe(5 * piece.length);
  });

  it('passes an answer without a body on as it came', async () => {
    const res = await call(
      await through(relayAnswer, (res) => {
        res.writeHead(204);
        res.end();
      }),
    );
    expect(res.statusCode).toBe(204);
    expect(res.headers['content-length']).toBeUndefined();
    expect(await body(res)).toBe('');
  });
});

describe('relayLines with nothing else waiting', () => {
  it('streams a finished log from its first line instead of gathering it', async () => {
    const res = await call(await through(relayLines, inPieces(LINES), false));
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['content-length']).toBeUndefined();
    expect(await body(res)).toBe(LINES.join(''));
  });

  it('cuts the client when the engine breaks off', async () => {
    const port = await through(
      relayLines,
      (res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('half of it', () => res.socket?.destroy());
      },
      false,
    );
    await expect(call(port).then(body)).rejects.toThrow();
  });
});

/** A client that takes each chunk at once, one every `pace` ms, or (null) none at all. */
function client(pace: number | null = 0): Writable & { got: number } {
  const sink = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, done) {
      sink.got += chunk.length;
      if (pace === 0) setImmediate(done);
      else if (pace !== null) setTimeout(done, pace);
    },
  }) as Writable & { got: number };
  sink.got = 0;
  return sink;
}

const finished = (sink: Writable) =>
  new Promise<void>((resolve, reject) => {
    sink.once('finish', resolve);
    sink.once('close', () => (sink.writableFinished ? resolve() : reject(new Error('cut'))));
  });

describe('fanOut', () => {
  const CHUNKS = 64;
  const chunk = Buffer.alloc(4096, 'x');

  function answer(): PassThrough {
    const source = new PassThrough();
    void (async () => {
      for (let i = 0; i < CHUNKS; i += 1) {
        if (!source.write(chunk)) await new Promise((resolve) => source.once('drain', resolve));
      }
      source.end();
    })();
    return source;
  }

  it('gives every client the whole answer', async () => {
    const clients = [client(), client(), client()];
    fanOut(answer(), clients, 1000);
    await Promise.all(clients.map(finished));
    for (const each of clients) expect(each.got).toBe(CHUNKS * chunk.length);
  });

  it('lets a slow client fall behind without holding up the others', async () => {
    const slow = client(5);
    const fast = client();
    fanOut(answer(), [slow, fast], 1000, CHUNKS * chunk.length);
    await finished(fast);
    // The fast one had it all while the slow one was still on its first chunks.
    expect(slow.got).toBeLessThan((CHUNKS * chunk.length) / 4);
    await finished(slow);
    expect(slow.got).toBe(CHUNKS * chunk.length);
  });

  it('holds the others for a client too far behind, and keeps it while it reads', async () => {
    const slow = client(5);
    const fast = client();
    const total = CHUNKS * chunk.length;
    const maxLag = (CHUNKS / 2) * chunk.length;
    // Taking the lag back takes the slow one longer than 100 ms, though it reads all along.
    fanOut(answer(), [slow, fast], 100, maxLag);
    await finished(fast);
    // The fast one never got further ahead than the limit (and a chunk on its way).
    expect(slow.got).toBeGreaterThanOrEqual(total - maxLag - chunk.length);
    await finished(slow);
    expect(slow.got).toBe(total);
  });

  it('cuts a client that stops reading while another waits on it; the others get it all', async () => {
    const stopped = client(null);
    const reading = client();
    const started = Date.now();
    fanOut(answer(), [stopped, reading], 300, 4 * chunk.length);
    await finished(reading);
    expect(reading.got).toBe(CHUNKS * chunk.length);
    expect(stopped.destroyed).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('cuts nobody while every client is stalled: none holds up another', async () => {
    const clients = [client(null), client(null)];
    const source = answer();
    fanOut(source, clients, 100, 4 * chunk.length);
    await new Promise((resolve) => setTimeout(resolve, 400));
    for (const each of clients) expect(each.destroyed).toBe(false);
    source.destroy();
  });
});
