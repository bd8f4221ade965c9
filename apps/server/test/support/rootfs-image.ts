import { execFile } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { type CliTarget, DOCKER } from './docker-cli.js';

const run = promisify(execFile);

/** Debian's static busybox: the shell and the few commands an image made here needs. */
const BUSYBOX = '/bin/busybox';

/**
 * An image made from this machine's own files with `docker import`, for engines that cannot pull:
 * programs are copied with the shared libraries `ldd` names, beside a static busybox.
 */
export interface RootfsImage {
  /** Host path → path in the image; programs among them get their libraries. */
  files: Array<[string, string]>;
  /** Host folders copied whole (host path → path in the image). */
  trees?: Array<[string, string]>;
  /** Further files whose libraries the image needs (native Node addons). */
  librariesOf?: string[];
  /** Busybox commands to link in /bin (sh is always there). */
  applets?: string[];
  /** Accounts in /etc/passwd and /etc/group, besides root. */
  users?: Array<{ name: string; id: number }>;
  /** Folders made empty in the image, owned by `owner` (uid = gid). */
  dirs?: Array<{ path: string; owner?: number; mode?: number }>;
  /** Text files written into the image. */
  texts?: Array<{ path: string; content: string; mode?: number }>;
  /** Dockerfile instructions for `docker import --change` (ENV, USER, ENTRYPOINT, CMD…). */
  changes?: string[];
}

/** The shared libraries `ldd` lists for each file (those inside a package's own folder excepted). */
async function libraries(files: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const file of files) {
    const { stdout } = await run('ldd', [file]).catch(() => ({ stdout: '' }));
    for (const line of stdout.split('\n')) {
      const path = /(?:=>\s+|^\s*)(\/(?:lib|lib64|usr\/lib)\/[^\s]+)\s+\(0x/.exec(line)?.[1];
      if (path) found.add(path);
    }
  }
  return found;
}

/** Builds the root folder described and imports it as `tag` on the engine. */
export async function importRootfsImage(
  engine: CliTarget,
  tag: string,
  spec: RootfsImage,
): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'berth-rootfs-'));
  try {
    const place = (from: string, to: string) => {
      mkdirSync(dirname(join(root, to)), { recursive: true });
      cpSync(from, join(root, to), { recursive: true, dereference: true });
    };
    for (const dir of ['bin', 'etc', 'tmp']) mkdirSync(join(root, dir), { recursive: true });
    chmodSync(join(root, 'tmp'), 0o1777);
    place(BUSYBOX, '/bin/busybox');
    for (const applet of new Set(['sh', ...(spec.applets ?? [])])) {
      symlinkSync('busybox', join(root, 'bin', applet));
    }
    for (const [from, to] of spec.files) place(from, to);
    for (const [from, to] of spec.trees ?? []) place(from, to);
    const programs = [...spec.files.map(([from]) => from), ...(spec.librariesOf ?? [])];
    for (const library of await libraries(programs)) place(library, library);
    const users = [{ name: 'root', id: 0 }, ...(spec.users ?? [])];
    writeFileSync(
      join(root, 'etc/passwd'),
      users.map((u) => `${u.name}:x:${u.id}:${u.id}::/tmp:/bin/sh\n`).join(''),
    );
    writeFileSync(join(root, 'etc/group'), users.map((u) => `${u.name}:x:${u.id}:\n`).join(''));
    for (const dir of spec.dirs ?? []) {
      const path = join(root, dir.path);
      mkdirSync(path, { recursive: true });
      if (dir.owner !== undefined) chownSync(path, dir.owner, dir.owner);
      if (dir.mode !== undefined) chmodSync(path, dir.mode);
    }
    for (const text of spec.texts ?? []) {
      mkdirSync(dirname(join(root, text.path)), { recursive: true });
      writeFileSync(join(root, text.path), text.content, { mode: text.mode ?? 0o644 });
    }
    const changes = (spec.changes ?? []).flatMap((change) => ['--change', change]);
    // tar keeps the owners and modes set above; the engine gets the folder as one layer.
    await run(
      'bash',
      [
        '-c',
        'set -o pipefail; tar -C "$1" -c . | "$2" import "${@:4}" - "$3"',
        'bash',
        root,
        DOCKER,
        tag,
        ...changes,
      ],
      { env: { ...process.env, DOCKER_HOST: engine.host }, timeout: 120_000, maxBuffer: 1 << 20 },
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
