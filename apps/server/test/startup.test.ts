import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { fleet } from './support/fleet.js';

// Each test starts the built server, which waits up to 120 s to answer on a loaded machine.
jest.setTimeout(180_000);

// These run the built server (`npm run build`) as `npm start` does, to see what a person sees.
const MAIN = new URL('../dist/main.js', import.meta.url).pathname;
const dirs: string[] = [];

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-start-'));
  dirs.push(dir);
  return dir;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the server; resolves when it exits, or after `untilHealthy` answers and SIGINT stopped it. */
function runServer(
  env: Record<string, string>,
  untilHealthy?: (url: string) => Promise<void>,
): Promise<Run> {
  const port = String(20000 + Math.floor(Math.random() * 20000));
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      PORT: port,
      BERTH_BIND: '127.0.0.1',
      BERTH_WEB: 'off',
      LOG_LEVEL: 'info',
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<Run>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  if (untilHealthy) {
    void (async () => {
      const url = `http://127.0.0.1:${port}`;
      // Starting takes a few seconds; on two cores shared with a build and other suites, far more.
      const deadline = Date.now() + 120_000;
      while (child.exitCode === null && Date.now() < deadline) {
        try {
          if ((await fetch(`${url}/api/health`)).ok) break;
        } catch {
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      try {
        await untilHealthy(url);
      } finally {
        child.kill('SIGINT');
      }
    })();
  }
  return exited;
}

describe('starting the server', () => {
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('explains a wrong DATABASE_URL in one line, without the password or a stack trace', async () => {
    const run = await runServer({
      BERTH_DATA_DIR: dataDir(),
      DATABASE_URL: 'postgresql://berth:hunter2hunter2@127.0.0.1:1/berth',
    });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      'berth: cannot use the database at postgresql://berth:***@127.0.0.1:1/berth (DATABASE_URL): connect ECONNREFUSED 127.0.0.1:1',
    ]);
    expect(run.stderr + run.stdout).not.toContain('hunter2');
  });

  it('names the variable that is wrong', async () => {
    const run = await runServer({ BERTH_DATA_DIR: dataDir(), BERTH_ADMIN_PASSWORD: 'short' });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      'berth: invalid BERTH_ADMIN_PASSWORD: must be at least 12 characters',
    );
  });

  it('starts without a local engine and says so in one line', async () => {
    const dir = dataDir();
    const run = await runServer(
      { BERTH_DATA_DIR: dir, BERTH_LOCAL_SOCKET: '/nonexistent/docker.sock' },
      async (url) => {
        const health = (await (await fetch(`${url}/api/health`)).json()) as { hosts: unknown[] };
        expect(health.hosts).toEqual([]);
      },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('no local Docker engine at /nonexistent/docker.sock');
    expect(run.stderr).toBe('');
    // The master key file is made on first start, readable by its owner only.
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
  });

  it('connects the local engine as host "local", lists it in health and stops cleanly on Ctrl-C', async () => {
    const socket = fleet().a.slice('unix://'.length);
    let status = '';
    const run = await runServer(
      { BERTH_DATA_DIR: dataDir(), BERTH_LOCAL_SOCKET: socket },
      async (url) => {
        for (let i = 0; i < 50 && status !== 'up'; i += 1) {
          const health = (await (await fetch(`${url}/api/health`)).json()) as {
            hosts: { name: string; status: string }[];
          };
          expect(health.hosts.map((h) => h.name)).toEqual(['local']);
          status = health.hosts[0]?.status ?? '';
          if (status !== 'up') await new Promise((r) => setTimeout(r, 200));
        }
      },
    );
    expect(status).toBe('up');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('SIGINT: stopping');
  });
});
