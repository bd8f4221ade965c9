import { spawn } from 'node:child_process';

/** A git run that takes longer than this is stopped. */
const GIT_TIMEOUT_MS = 120_000;
const MAX_OUTPUT = 64 * 1024;

/**
 * The environment git runs in: no prompts, no system or user configuration (no credential
 * helpers, no `insteadOf` rewrites), only http and https transports (never `file://`, `ssh://`
 * or `ext::`), and the login, if any, as an `Authorization` header given through the
 * environment (`GIT_CONFIG_*`), so it is in no command line and no URL. `redact` takes the login
 * out of any text git wrote.
 */
export class GitEnvironment {
  readonly variables: Record<string, string>;
  private readonly secrets: string[];

  constructor(home: string, login?: { username: string; token: string }) {
    const header = login
      ? `Basic ${Buffer.from(`${login.username}:${login.token}`).toString('base64')}`
      : null;
    this.secrets = login ? [login.token, header!.slice('Basic '.length)] : [];
    this.variables = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      GIT_TERMINAL_PROMPT: '0',
      GIT_ASKPASS: '/bin/false',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_ALLOW_PROTOCOL: 'http:https',
      GIT_PROTOCOL_FROM_USER: '0',
      ...(header
        ? {
            GIT_CONFIG_COUNT: '1',
            GIT_CONFIG_KEY_0: 'http.extraHeader',
            GIT_CONFIG_VALUE_0: `Authorization: ${header}`,
          }
        : { GIT_CONFIG_COUNT: '0' }),
    };
  }

  /** As `spawn` takes it (the project's process type asks for variables git has no use for). */
  processEnv(): NodeJS.ProcessEnv {
    return this.variables as NodeJS.ProcessEnv;
  }

  redact(text: string): string {
    return this.secrets.reduce((out, secret) => out.split(secret).join('***'), text);
  }
}

export interface GitAnswer {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs git (never through a shell) and collects its output; stopped after two minutes. */
export function runGit(env: GitEnvironment, args: string[]): Promise<GitAnswer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { env: env.processEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), GIT_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr: env.redact(stderr) });
    });
  });
}
