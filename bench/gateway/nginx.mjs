import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './berth-server.mjs';

const NGINX = process.env.BERTH_NGINX ?? '/usr/sbin/nginx';
const START_TIMEOUT_MS = 10_000;

/**
 * Debian's nginx as a private foreground process: its configuration, pid and temp files in a
 * temporary directory, listening on a free port of 127.0.0.1. `upstream` goes into the http block
 * (the upstream definitions), `location` is the body of `location /`. Workers as Debian ships
 * them (`auto`: one per core).
 */
export async function startNginx({ upstream, location, workers = 'auto' }) {
  if (!existsSync(NGINX)) {
    throw new Error(`${NGINX} is missing: apt-get install -y nginx (or set BERTH_NGINX)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-nginx-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'nginx.conf'),
    `${workerUser()}worker_processes ${workers};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  ${upstream}
  server {
    listen 127.0.0.1:${port};
    location / {
      ${location}
    }
  }
}
`,
  );
  const child = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const nginx = { port, child, dir, exited };
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!existsSync(join(dir, 'nginx.pid'))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stopNginx(nginx);
      throw new Error(`nginx did not start: ${stderr}${errorLog(dir)}`);
    }
    await sleep(50);
  }
  return nginx;
}

/**
 * Run as root, nginx's workers would switch to nobody, who may not open the engine's socket; the
 * bench runs as root because the fleet does.
 */
function workerUser() {
  return process.getuid?.() === 0 ? 'user root;\n' : '';
}

/** A keep-alive pool to the upstream, as a production reverse proxy is set up. */
export function proxyLocation(pass) {
  return `proxy_pass ${pass};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_buffering off;
      proxy_read_timeout 1h;`;
}

/**
 * The reference hop: Debian's nginx as a plain reverse proxy to an engine's socket, no auth, with
 * a keep-alive pool to the socket as the gateway keeps one.
 */
export function startEngineProxy(socketPath) {
  return startNginx({
    upstream: `upstream engine {\n    server unix:${socketPath};\n    keepalive 64;\n  }`,
    location: proxyLocation('http://engine'),
  });
}

/** Graceful quit, then kill; the temp directory goes either way. */
export async function stopNginx(nginx) {
  if (nginx.child.exitCode === null && nginx.child.signalCode === null) {
    nginx.child.kill('SIGQUIT');
    const quit = await Promise.race([nginx.exited.then(() => true), sleep(3_000, false)]);
    if (!quit) {
      nginx.child.kill('SIGKILL');
      await nginx.exited;
    }
  }
  rmSync(nginx.dir, { recursive: true, force: true });
}

function errorLog(dir) {
  try {
    return readFileSync(join(dir, 'error.log'), 'utf8');
  } catch {
    return '';
  }
}
