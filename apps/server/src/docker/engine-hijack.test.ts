import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EngineConnection } from './engine-connection.js';
import { EngineError } from './engine-error.js';
import { hijackEngine } from './engine-hijack.js';
import { openEngineUpgrade } from './engine-stream.js';

/**
 * An engine stand-in on a unix socket: `/upgrade` switches protocols the way dockerd does and
 * echoes what it reads after the body in upper case; anything else is refused with 404 as dockerd
 * refuses an attach to a container it does not have.
 */
function fakeEngine(socketPath: string, open: Set<Duplex>): Promise<Server> {
  const server = createServer();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    open.add(socket);
    if (req.url !== '/upgrade') {
      const body = JSON.stringify({ message: `No such container: ${req.url ?? ''}` });
      socket.end(
        `HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    const seen = {
      connection: req.headers.connection,
      upgrade: req.headers.upgrade,
      type: req.headers['content-type'],
    };
    socket.write(
      'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n' +
        'Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n' +
        `${JSON.stringify(seen)}\n${head.toString()}`,
    );
    socket.on('data', (chunk: Buffer) => socket.write(chunk.toString().toUpperCase()));
  });
  return new Promise((resolve) => server.listen(socketPath, () => resolve(server)));
}

function firstChunk(socket: Duplex): Promise<string> {
  return new Promise((resolve) =>
    socket.once('data', (chunk: Buffer) => resolve(chunk.toString())),
  );
}

describe('hijackEngine', () => {
  let dir: string;
  let server: Server;
  let connection: EngineConnection;
  /** Upgraded sockets leave the server's keeping: closed by hand at the end. */
  const open = new Set<Duplex>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-hijack-'));
    server = await fakeEngine(join(dir, 'engine.sock'), open);
    connection = new EngineConnection({ kind: 'unix', socketPath: join(dir, 'engine.sock') });
  });

  afterAll(async () => {
    connection.close();
    for (const socket of open) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks for the upgrade as docker clients do and hands over the switched socket', async () => {
    const { socket, head } = await openEngineUpgrade(connection, {
      method: 'POST',
      path: '/upgrade',
      body: { Detach: false },
      timeoutMs: 2_000,
    });
    const greeting = head.length > 0 ? head.toString() : await firstChunk(socket);
    expect(JSON.parse(greeting.split('\n')[0]!)).toEqual({
      connection: 'Upgrade',
      upgrade: 'tcp',
      type: 'application/json',
    });
    socket.write('ls\n');
    await expect(firstChunk(socket)).resolves.toBe('LS\n');
    socket.destroy();
  });

  it("passes the engine's refusal on with its status and message", async () => {
    const refusal = openEngineUpgrade(connection, { path: '/gone', timeoutMs: 2_000 });
    await expect(refusal).rejects.toBeInstanceOf(EngineError);
    await expect(refusal).rejects.toMatchObject({
      status: 404,
      reason: 'No such container: /gone',
    });
  });

  it('calls exactly one outcome, the failure, when no engine answers', async () => {
    const nowhere = new EngineConnection({ kind: 'unix', socketPath: join(dir, 'none.sock') });
    const calls: string[] = [];
    await new Promise<void>((resolve) => {
      hijackEngine(
        nowhere,
        { method: 'POST', path: '/upgrade', headers: { host: 'docker' } },
        {
          upgraded: () => calls.push('upgraded'),
          refused: () => calls.push('refused'),
          failed: (error) => {
            calls.push(`failed: ${(error as NodeJS.ErrnoException).code ?? ''}`);
            resolve();
          },
        },
      );
    });
    nowhere.close();
    expect(calls).toEqual(['failed: ENOENT']);
  });
});
