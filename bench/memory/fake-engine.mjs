import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { rmSync } from 'node:fs';

const API_VERSION = '1.43';

/**
 * A stand-in Docker engine on a unix socket: enough of the API for Berth to register it as up,
 * follow its events and keep its inventory (`containers` is served as the container list).
 * Anything else is answered 404 and remembered in `unknown`, so the bench
 * can say what Berth asked for that a fake could not answer.
 */
export async function startFakeEngine(socketPath, name, containers) {
  const id = randomBytes(16).toString('hex').toUpperCase();
  const unknown = new Set();
  const events = new Set();
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://engine').pathname.replace(/^\/v\d+\.\d+/, '');
    const body = answer(req.method, path, { id, name, containers });
    if (path === '/events') {
      res.writeHead(200, { 'content-type': 'application/json', 'api-version': API_VERSION });
      res.flushHeaders();
      events.add(res);
      res.once('close', () => events.delete(res));
      return;
    }
    if (body === undefined) {
      unknown.add(`${req.method} ${path}`);
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `page not found: ${path}` }));
      return;
    }
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(200, {
      'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
      'api-version': API_VERSION,
    });
    res.end(text);
  });
  rmSync(socketPath, { force: true });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });
  return {
    url: `unix://${socketPath}`,
    unknown,
    stop: () =>
      new Promise((resolve) => {
        for (const res of events) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
        rmSync(socketPath, { force: true });
      }),
  };
}

function answer(method, path, { id, name, containers }) {
  if (method === 'HEAD' || (method === 'GET' && path === '/_ping')) return 'OK';
  if (method !== 'GET') return undefined;
  switch (path) {
    case '/version':
      return {
        Version: '24.0.0',
        ApiVersion: API_VERSION,
        MinAPIVersion: '1.12',
        Os: 'linux',
        Arch: 'amd64',
      };
    case '/info':
      return {
        ID: id,
        Name: name,
        ServerVersion: '24.0.0',
        OperatingSystem: 'Bench fake engine',
        KernelVersion: '6.1.0',
        Architecture: 'x86_64',
        Driver: 'overlay2',
        NCPU: 2,
        MemTotal: 4 * 1024 ** 3,
        Containers: containers.length,
        ContainersRunning: 0,
        ContainersPaused: 0,
        ContainersStopped: containers.length,
        Images: 1,
        Swarm: { LocalNodeState: 'inactive' },
      };
    case '/containers/json':
    case '/images/json':
      return path === '/containers/json' ? containers : [];
    case '/networks':
    case '/plugins':
      return [];
    case '/volumes':
      return { Volumes: [], Warnings: null };
    default:
      return undefined;
  }
}

/** `count` stopped containers as `GET /containers/json?all=1` lists them, with unique ids. */
export function fakeContainers(count, engineName) {
  return Array.from({ length: count }, (_, i) => ({
    Id: randomBytes(32).toString('hex'),
    Names: [`/${engineName}-app-${i}`],
    Image: 'local/busybox:latest',
    ImageID: `sha256:${randomBytes(32).toString('hex')}`,
    Command: 'sleep 3600',
    Created: 1764900000 + i,
    Ports: [],
    Labels: { 'com.example.app': `app-${i % 5}`, 'com.example.tier': 'bench' },
    State: 'exited',
    Status: 'Exited (0) 2 hours ago',
    HostConfig: { NetworkMode: 'default' },
    NetworkSettings: { Networks: {} },
    Mounts: [],
  }));
}
