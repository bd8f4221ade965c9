import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's docker CLI (the fleet installs it); a newer one earlier on PATH would also work. */
export const DOCKER = process.env.BERTH_DOCKER_CLI ?? '/usr/bin/docker';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliTarget {
  /** DOCKER_HOST, e.g. tcp://127.0.0.1:PORT/api/hosts/ID/docker or unix:///…/docker.sock */
  host: string;
  /** Sent as `Authorization: Bearer …` through the CLI's HttpHeaders setting. */
  token?: string;
  tls?: { ca: string; cert: string; key: string };
}

export interface CliOptions {
  input?: string | Buffer;
  timeoutMs?: number;
  /** Extra environment for the CLI, e.g. `{ DOCKER_BUILDKIT: '0' }`. */
  env?: Record<string, string>;
}

/** The gateway URL of one host as a DOCKER_HOST value. */
export function gatewayHost(berthUrl: string, hostId: string): string {
  return `tcp://${new URL(berthUrl).host}/api/hosts/${hostId}/docker`;
}

/** Runs the real `docker` CLI against a target, with its own config directory. */
export function docker(
  target: CliTarget,
  args: string[],
  options: CliOptions = {},
): Promise<CliResult> {
  const { child, done } = start(target, args, options.env);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  if (options.input !== undefined) child.stdin.end(options.input);
  else child.stdin.end();
  return done.finally(() => clearTimeout(timer));
}

/** Runs the CLI and returns its trimmed stdout; a non-zero exit throws with what it printed. */
export async function dockerOk(
  target: CliTarget,
  args: string[],
  options: CliOptions = {},
): Promise<string> {
  const result = await docker(target, args, options);
  if (result.code !== 0) {
    throw new Error(
      `docker ${args.join(' ')} exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`,
    );
  }
  return result.stdout.trim();
}

/** A long-running CLI (`logs -f`, `events`) whose output is watched while it runs. */
/** Removes, with their anonymous volumes, the containers on an engine that carry `label` (k=v). */
export async function removeLabelled(target: CliTarget, label: string): Promise<void> {
  const { stdout } = await docker(target, ['ps', '-aq', '--filter', `label=${label}`]);
  const ids = stdout.split('\n').filter(Boolean);
  if (ids.length > 0) await docker(target, ['rm', '-f', '-v', ...ids]);
}

export interface RunningCli {
  /** Everything written to stdout so far. */
  readonly stdout: string;
  /** Resolves with stdout once it matches; rejects if the CLI exits first or time runs out. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Interrupts the CLI as Ctrl-C would and resolves when it has exited. */
  stop(): Promise<CliResult>;
}

export function dockerStream(
  target: CliTarget,
  args: string[],
  options: Pick<CliOptions, 'env'> = {},
): RunningCli {
  const { child, done, output } = start(target, args, options.env);
  let exited: CliResult | undefined;
  void done.then((result) => (exited = result));
  return {
    get stdout() {
      return output.stdout;
    },
    waitForOutput: (pattern, timeoutMs = 15_000) =>
      new Promise<string>((resolve, reject) => {
        const started = Date.now();
        const poll = () => {
          if (pattern.test(output.stdout)) resolve(output.stdout);
          else if (exited)
            reject(new Error(`docker ${args.join(' ')} exited first: ${JSON.stringify(exited)}`));
          else if (Date.now() - started > timeoutMs)
            reject(new Error(`no ${pattern} in ${timeoutMs} ms: ${JSON.stringify(output)}`));
          else setTimeout(poll, 25);
        };
        poll();
      }),
    stop: () => {
      if (!exited) {
        child.kill('SIGINT');
        const hard = setTimeout(() => child.kill('SIGKILL'), 5_000);
        void done.finally(() => clearTimeout(hard));
      }
      return done;
    },
  };
}

function start(
  target: CliTarget,
  args: string[],
  extraEnv: Record<string, string> = {},
): {
  child: ChildProcessWithoutNullStreams;
  done: Promise<CliResult>;
  output: { stdout: string; stderr: string };
} {
  const configDir = mkdtempSync(join(tmpdir(), 'berth-cli-'));
  writeFileSync(
    join(configDir, 'config.json'),
    JSON.stringify(
      target.token ? { HttpHeaders: { Authorization: `Bearer ${target.token}` } } : {},
    ),
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DOCKER_CONFIG: configDir,
    DOCKER_HOST: target.host,
    ...extraEnv,
  };
  delete env.DOCKER_CONTEXT;
  if (target.tls) {
    writeFileSync(join(configDir, 'ca.pem'), target.tls.ca);
    writeFileSync(join(configDir, 'cert.pem'), target.tls.cert);
    writeFileSync(join(configDir, 'key.pem'), target.tls.key);
    env.DOCKER_TLS_VERIFY = '1';
    env.DOCKER_CERT_PATH = configDir;
  }
  const child = spawn(DOCKER, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      rmSync(configDir, { recursive: true, force: true });
      resolve({ code: code ?? (signal ? 128 : -1), ...output });
    });
  });
  return { child, done, output };
}
