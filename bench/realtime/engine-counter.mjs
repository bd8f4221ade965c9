import { createConnection, createServer } from 'node:net';
import { rmSync } from 'node:fs';

/**
 * A unix socket in front of the engine's that passes bytes through untouched and counts the
 * requests whose request line matches `pattern` (Berth's follow log requests): how many engine
 * streams Berth opened, which connection counts cannot tell when a stream reuses an idle pooled
 * connection.
 */
export async function startEngineCounter(socketPath, engineSocket, pattern) {
  const counter = { url: `unix://${socketPath}`, matched: 0 };
  const connections = new Set();
  const server = createServer((client) => {
    const engine = createConnection(engineSocket);
    connections.add(client).add(engine);
    const drop = () => {
      client.destroy();
      engine.destroy();
      connections.delete(client);
      connections.delete(engine);
    };
    client.on('data', (chunk) => {
      // Request lines start a line; a chunk boundary inside one is not a concern for short lines
      // written in one piece by Node's http client.
      for (const line of chunk.toString('latin1').split('\r\n')) {
        if (pattern.test(line)) counter.matched += 1;
      }
    });
    client.pipe(engine).pipe(client);
    client.on('error', drop).on('close', drop);
    engine.on('error', drop).on('close', drop);
  });
  rmSync(socketPath, { force: true });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });
  counter.stop = () =>
    new Promise((resolve) => {
      for (const socket of connections) socket.destroy();
      server.close(() => resolve());
      rmSync(socketPath, { force: true });
    });
  return counter;
}
