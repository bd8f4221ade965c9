import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settlesWithin } from '../../src/common/settles-within.js';
import { waitFor } from './berth.js';
import { freePort } from './built-server.js';

const NGINX = process.env.BERTH_NGINX ?? '/usr/sbin/nginx';

/**
 * Debian's nginx as the load balancer in front of replicas (round robin, no sticky sessions),
 * as its own foreground process with its configuration in a temporary directory. A replica that
 * refuses the connection is skipped for the next one. `?prefer=<index>` sends a request to that
 * replica while it is up (and to the others once it is not), so a test knows where a WebSocket
 * landed.
 */
export class NginxBalancer {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {}

  static async start(replicas: string[]): Promise<NginxBalancer> {
    const dir = mkdtempSync(join(tmpdir(), 'berth-nginx-'));
    const port = await freePort();
    const servers = replicas.map((url) => new URL(url).host);
    const upstream = (name: string, preferred: number | null) =>
      `upstream ${name} {\n${servers
        .map((host, i) =>
          preferred === null || i === preferred ? `  server ${host};` : `  server ${host} backup;`,
        )
        .join('\n')}\n}`;
    writeFileSync(
      join(dir, 'nginx.conf'),
      `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  ${upstream('berth', null)}
  ${servers.map((_, i) => upstream(`prefer${i}`, i)).join('\n  ')}
  map $arg_prefer $berth_pool {
    default berth;
    ${servers.map((_, i) => `${i} prefer${i};`).join('\n    ')}
  }
  map $http_upgrade $connection_upgrade {
    default upgrade;
    '' close;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://$berth_pool;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_next_upstream error timeout;
      proxy_connect_timeout 2s;
      proxy_read_timeout 1h;
      proxy_buffering off;
    }
  }
}
`,
    );
    const child = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const url = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}${errorLog(dir)}`);
        return (await fetch(`${url}/api/health`).catch(() => null))?.ok === true;
      },
      15_000,
      'nginx to answer',
    );
    return new NginxBalancer(url, child, dir);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGQUIT');
      await settlesWithin(exited, 3_000);
      this.child.kill('SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function errorLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'error.log'), 'utf8');
  } catch {
    return '';
  }
}
