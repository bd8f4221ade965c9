#!/usr/bin/env node
// Copies what the built server needs at run time into one folder, laid out as in the repository:
//   node scripts/runtime-files.mjs DEST
// The Dockerfile's build stage runs it after `npm run build`; it can also be run on a machine that
// has built Berth, to give the Dockerfile's `prebuilt` stage its input (see README, "Run Berth in
// containers"). What goes in: the built server, shared and compose packages, the built dashboard
// (without Next's build cache), the database migrations, and the npm packages those need: the
// workspaces' dependencies and, from each package reached, its dependencies, its optional
// dependencies that are installed and its peers that are not optional. Dev dependencies, and peers
// a package can do without (TypeScript, the Prisma CLI, Playwright…), stay out.
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');

/** Per workspace: the files and folders of it that run. */
const WORKSPACES = {
  'packages/shared': ['package.json', 'dist'],
  'packages/compose': ['package.json', 'dist'],
  'apps/server': ['package.json', 'dist'],
  'apps/web': ['package.json', 'next.config.ts', 'public', '.next'],
};
/**
 * The dashboard's own dependencies are bundled into `.next` by the build; its server chunks
 * require only Next itself (and React through it).
 */
const RUNTIME_DEPENDENCIES = { 'apps/web': ['next', 'react', 'react-dom'] };
const TOP_LEVEL = ['package.json', 'prisma/migrations', 'LICENSE'];
/** Parts of a Next build that only the build and `next dev` use. */
const NEXT_BUILD_ONLY = new Set(['cache', 'dev', 'trace', 'trace-build', 'types']);

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Where Node would find `name` when required from `fromDir` (a package folder), or null. */
function locate(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) return dirname(candidate);
    if (dir === ROOT || dir === dirname(dir)) return null;
  }
}

/** Every installed package folder the workspaces need at run time (workspace links excluded). */
export function runtimePackages() {
  const found = new Set();
  const queue = Object.keys(WORKSPACES).map((dir) => join(ROOT, dir));
  const workspaces = new Set(queue);
  while (queue.length > 0) {
    const dir = queue.shift();
    const manifest = readJson(join(dir, 'package.json'));
    const only = RUNTIME_DEPENDENCIES[relative(ROOT, dir)];
    if (only) manifest.dependencies = Object.fromEntries(only.map((name) => [name, '*']));
    const optionalPeers = manifest.peerDependenciesMeta ?? {};
    const needed = [
      ...Object.keys(manifest.dependencies ?? {}).map((name) => [name, true]),
      ...Object.keys(manifest.optionalDependencies ?? {}).map((name) => [name, false]),
      ...Object.keys(manifest.peerDependencies ?? {})
        .filter((name) => !optionalPeers[name]?.optional)
        .map((name) => [name, true]),
    ];
    for (const [name, required] of needed) {
      const where = locate(name, dir);
      if (where === null) {
        if (required)
          throw new Error(
            `${name} (needed by ${relative(ROOT, dir) || 'the root'}) is not installed`,
          );
        continue;
      }
      const real = realpathSync(where);
      if (workspaces.has(real) || found.has(where)) continue;
      found.add(where);
      queue.push(where);
    }
  }
  return [...found].sort();
}

function copy(from, to) {
  cpSync(from, to, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (source) => {
      const rel = relative(join(ROOT, 'apps/web/.next'), source);
      return rel.startsWith('..') || !NEXT_BUILD_ONLY.has(rel.split('/')[0]);
    },
  });
}

function main() {
  const dest = process.argv[2];
  if (!dest) {
    process.stderr.write('usage: node scripts/runtime-files.mjs DEST\n');
    process.exit(2);
  }
  const out = resolve(dest);
  if (
    !existsSync(join(ROOT, 'apps/server/dist/main.js')) ||
    !existsSync(join(ROOT, 'apps/web/.next/BUILD_ID'))
  ) {
    process.stderr.write('runtime-files: build first (npm run build)\n');
    process.exit(1);
  }
  mkdirSync(out, { recursive: true });
  for (const path of TOP_LEVEL) {
    if (existsSync(join(ROOT, path))) copy(join(ROOT, path), join(out, path));
  }
  for (const [dir, parts] of Object.entries(WORKSPACES)) {
    for (const part of parts) {
      const from = join(ROOT, dir, part);
      if (existsSync(from)) copy(from, join(out, dir, part));
    }
  }
  const packages = runtimePackages();
  for (const dir of packages) {
    // A package's own node_modules holds its nested packages, which are listed themselves.
    cpSync(dir, join(out, relative(ROOT, dir)), {
      recursive: true,
      verbatimSymlinks: true,
      filter: (source) => source === dir || !relative(dir, source).startsWith('node_modules'),
    });
  }
  // The workspaces are found through node_modules/@berth/*, as npm links them.
  mkdirSync(join(out, 'node_modules/@berth'), { recursive: true });
  for (const dir of Object.keys(WORKSPACES)) {
    const { name } = readJson(join(ROOT, dir, 'package.json'));
    symlinkSync(
      relative(join(out, 'node_modules/@berth'), join(out, dir)),
      join(out, 'node_modules', name),
    );
  }
  process.stdout.write(`runtime-files: ${packages.length} packages into ${out}\n`);
}

if (
  process.argv[1] &&
  realpathSync(process.argv[1]) === realpathSync(new URL(import.meta.url).pathname)
) {
  main();
}
