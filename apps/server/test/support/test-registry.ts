import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './berth.js';
import type { FleetHostName } from './fleet.js';

/** Where a registry sends its notifications, with the headers it adds to each call. */
export interface NotificationEndpoint {
  url: string;
  headers: Record<string, string>;
}

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

/**
 * A distribution registry of one test's own (Debian's `docker-registry`, no login) on a free port
 * of 127.0.0.1, reachable from the fleet engines' namespaces as the fleet's registry is: socat in
 * each namespace listens on the same port and forwards through a unix socket to one in the root
 * namespace. It can be restarted with notifications to an endpoint (storage is kept).
 */
export class TestRegistry {
  private registry?: ChildProcess;
  private readonly relays: ChildProcess[] = [];

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async start(hosts: FleetHostName[]): Promise<TestRegistry> {
    let port = 0;
    for (let tries = 0; port === 0 && tries < 20; tries += 1) {
      const candidate = 5300 + Math.floor(Math.random() * 600);
      if (!(await portOpen(candidate))) port = candidate;
    }
    const registry = new TestRegistry(mkdtempSync(join(tmpdir(), 'berth-registry-')), port);
    await registry.serve();
    const sock = join(registry.dir, 'relay.sock');
    registry.relays.push(
      spawn(
        'socat',
        [`UNIX-LISTEN:${sock},fork,unlink-early,mode=600`, `TCP:${registry.address}`],
        {
          stdio: 'ignore',
        },
      ),
    );
    for (const host of hosts) {
      registry.relays.push(
        spawn(
          'nsenter',
          [
            `--net=/var/run/netns/berth-${host}`,
            'socat',
            `TCP-LISTEN:${port},bind=127.0.0.1,fork,reuseaddr`,
            `UNIX-CONNECT:${sock}`,
          ],
          { stdio: 'ignore' },
        ),
      );
    }
    // socat listens within a few milliseconds; give the relays that before the first push.
    await new Promise((resolve) => setTimeout(resolve, 500));
    return registry;
  }

  /** Stops the registry and serves the same storage again, notifying `endpoint` of each event. */
  async notify(endpoint: NotificationEndpoint): Promise<void> {
    await this.stopRegistry();
    await this.serve(endpoint);
  }

  async stop(): Promise<void> {
    await this.stopRegistry();
    for (const relay of this.relays) relay.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async serve(endpoint?: NotificationEndpoint): Promise<void> {
    const config = join(this.dir, 'config.yml');
    const headers = Object.entries(endpoint?.headers ?? {})
      .map(([name, value]) => `        ${name}: [${JSON.stringify(value)}]`)
      .join('\n');
    const notifications = endpoint
      ? `notifications:
  endpoints:
    - name: berth
      url: ${endpoint.url}
      headers:
${headers}
      timeout: 5s
      threshold: 3
      backoff: 1s
      ignore:
        mediatypes: [application/octet-stream]
        actions: [pull]
`
      : '';
    writeFileSync(
      config,
      `version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: ${join(this.dir, 'data')}
http:
  addr: ${this.address}
${notifications}`,
    );
    this.registry = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
    await waitFor(() => portOpen(this.port), 15_000, `registry on ${this.address}`);
  }

  private async stopRegistry(): Promise<void> {
    const registry = this.registry;
    if (!registry || registry.exitCode !== null) return;
    const exited = new Promise((resolve) => registry.once('exit', resolve));
    registry.kill();
    await exited;
    await waitFor(async () => !(await portOpen(this.port)), 10_000, 'registry stopped');
  }
}
