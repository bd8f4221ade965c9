import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
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

/** Runs the real `docker` CLI against a target, with its own config directory. */
export function docker(
  target: CliTarget,
  args: string[],
  options: { input?: string | Buffer; timeoutMs?: number } = {},
): Promise<CliResult> {
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
  };
  delete env.DOCKER_CONTEXT;
  if (target.tls) {
    writeFileSync(join(configDir, 'ca.pem'), target.tls.ca);
    writeFileSync(join(configDir, 'cert.pem'), target.tls.cert);
    writeFileSync(join(configDir, 'key.pem'), target.tls.key);
    env.DOCKER_TLS_VERIFY = '1';
    env.DOCKER_CERT_PATH = configDir;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(DOCKER, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}
