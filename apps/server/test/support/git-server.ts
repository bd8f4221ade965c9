import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const IDENTITY = {
  GIT_AUTHOR_NAME: 'Berth Test',
  GIT_AUTHOR_EMAIL: 'test@berth.invalid',
  GIT_COMMITTER_NAME: 'Berth Test',
  GIT_COMMITTER_EMAIL: 'test@berth.invalid',
};

/**
 * Git repositories served over smart HTTP by `git http-backend` (as CGI) from a tiny node server,
 * so builds from git are tested against a real git server without the internet. With `login`,
 * every request needs that Basic login.
 */
export class TestGitServer {
  private constructor(
    private readonly server: Server,
    private readonly root: string,
    readonly url: string,
  ) {}

  static async start(login?: { username: string; password: string }): Promise<TestGitServer> {
    const root = mkdtempSync(join(tmpdir(), 'berth-git-server-'));
    const server = createServer((req, res) => serve(root, login, req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new TestGitServer(server, root, `http://127.0.0.1:${port}`);
  }

  /**
   * A repository named `name` whose history is `commits` in order, each a set of files and the
   * branch or tag names it gets; the last commit is `main`. Answers each commit's id.
   */
  async repository(
    name: string,
    commits: { files: Record<string, string>; tag?: string; branch?: string }[],
  ): Promise<string[]> {
    const work = mkdtempSync(join(tmpdir(), 'berth-git-work-'));
    const git = gitIn(work);
    await git(['init', '--quiet', '--initial-branch=main']);
    const ids: string[] = [];
    for (const commit of commits) {
      writeFiles(work, commit.files);
      await git(['add', '-A']);
      await git(['commit', '--quiet', '-m', `commit ${ids.length + 1}`]);
      const id = await git(['rev-parse', 'HEAD']);
      ids.push(id);
      if (commit.tag) await git(['tag', commit.tag]);
      if (commit.branch) await git(['branch', commit.branch]);
    }
    await run('git', ['clone', '--quiet', '--bare', work, join(this.root, `${name}.git`)]);
    rmSync(work, { recursive: true, force: true });
    return ids;
  }

  /**
   * A further commit on `main` of repository `name`, changing the files given (as a push would):
   * answers its id.
   */
  async commit(name: string, files: Record<string, string>): Promise<string> {
    const work = mkdtempSync(join(tmpdir(), 'berth-git-work-'));
    const git = gitIn(work);
    try {
      await git(['clone', '--quiet', join(this.root, `${name}.git`), '.']);
      writeFiles(work, files);
      await git(['add', '-A']);
      await git(['commit', '--quiet', '-m', 'change']);
      await git(['push', '--quiet', 'origin', 'main']);
      return await git(['rev-parse', 'HEAD']);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  repoUrl(name: string): string {
    return `${this.url}/${name}.git`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Runs git in `work` as the test identity; answers its output. */
function gitIn(work: string) {
  return (args: string[]) =>
    run('git', args, { cwd: work, env: { ...process.env, ...IDENTITY } }).then((r) =>
      r.stdout.trim(),
    );
}

function writeFiles(work: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), content);
  }
}

function serve(
  root: string,
  login: { username: string; password: string } | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  if (login) {
    const expected = `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' }).end();
      req.resume();
      return;
    }
  }
  const url = new URL(req.url ?? '/', 'http://git');
  const cgi = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: '127.0.0.1',
      ...(login ? { REMOTE_USER: login.username } : {}),
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
      ...(req.headers['content-encoding']
        ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) }
        : {}),
    } as unknown as NodeJS.ProcessEnv,
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  req.pipe(cgi.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  cgi.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end === -1) return;
    headersDone = true;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      const key = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (key.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else headers[key] = value;
    }
    res.writeHead(status, headers);
    res.write(head.subarray(end + 4));
  });
  cgi.once('close', () => res.end());
}
