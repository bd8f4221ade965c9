import type { IncomingMessage } from 'node:http';
import { posix } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { TVolumeEntry, TVolumeListing } from '@berth/shared';
import type { Logger } from 'pino';
import type Docker from 'dockerode';
import tar from 'tar-stream';
import { AppError } from '../common/app-error.js';
import { LOGGER } from '../common/logger.js';
import { CONFIG, type Config } from '../config/config.js';
import type { RegisteredEngine } from '../hosts/engine-registry.js';
import { volumeError } from './volume-secrets.js';

/** Where the helper container sees the volume. */
const MOUNT = '/volume';
/** The label that marks a helper container as Berth's own, short-lived one. */
export const HELPER_LABEL = 'berth.helper';
/** Go's FileMode bits in the engine's path stat. */
const MODE_DIR = 0x80000000;
const MODE_SYMLINK = 0x08000000;
/** A helper older than this outlived the server that made it (no request lasts a day). */
const ABANDONED_AFTER_S = 24 * 60 * 60;
/** A listing stops collecting after this many entries, so a huge folder cannot exhaust memory. */
const MAX_ENTRIES = 10_000;

/** What the engine says of the path asked for (`X-Docker-Container-Path-Stat`). */
interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

/** A download under way: the caller streams `body` and calls `close` when done, whatever happened. */
export interface VolumeDownload {
  fileName: string;
  contentType: 'application/octet-stream' | 'application/x-tar';
  size: number | null;
  body: Readable;
  close(): Promise<void>;
}

/**
 * Reads a volume's files without touching it: a helper container is created (never started) from
 * an image the host already has, with the volume mounted read-only and no network, and the
 * engine's archive API reads the path through it. The helper is removed when the request ends,
 * also when the client goes away mid-download. `write` fills a volume the same way (a stack's
 * checkout volumes).
 */
@Injectable()
export class VolumeBrowser {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async list(engine: RegisteredEngine, volume: string, path: string): Promise<TVolumeListing> {
    const helper = await this.createHelper(engine, volume);
    try {
      const { stat, tarball } = await this.archive(engine, helper, path);
      if (!isDirectory(stat.mode)) {
        tarball.destroy();
        throw AppError.validation([{ path: 'path', message: `${path} is a file, not a folder` }]);
      }
      return { path: normalise(path), entries: await childrenOf(tarball) };
    } finally {
      await this.removeHelper(engine, helper);
    }
  }

  async download(engine: RegisteredEngine, volume: string, path: string): Promise<VolumeDownload> {
    const helper = await this.createHelper(engine, volume);
    const close = () => this.removeHelper(engine, helper);
    try {
      const { stat, tarball } = await this.archive(engine, helper, path);
      if (isDirectory(stat.mode)) {
        const base = normalise(path) === '/' ? volume : stat.name;
        return {
          fileName: `${base}.tar`,
          contentType: 'application/x-tar',
          size: null,
          body: tarball,
          close,
        };
      }
      return {
        fileName: stat.name,
        contentType: 'application/octet-stream',
        size: stat.size,
        body: firstFileOf(tarball),
        close,
      };
    } catch (error) {
      await close();
      throw error;
    }
  }

  /**
   * Writes a tar archive's entries into a volume, from its root, through a helper container that
   * mounts it writable (and is never started either). The archive is opened once the helper is
   * there to take it.
   */
  async write(engine: RegisteredEngine, volume: string, tarball: () => Readable): Promise<void> {
    const helper = await this.createHelper(engine, volume, false);
    try {
      await putArchive(engine, helper, MOUNT, tarball(), this.config.engineTimeoutMs);
    } finally {
      await this.removeHelper(engine, helper);
    }
  }

  private async createHelper(
    engine: RegisteredEngine,
    volume: string,
    readOnly = true,
  ): Promise<string> {
    await this.sweepAbandoned(engine);
    const image = await this.helperImage(engine);
    try {
      const { id } = await engine.client.createContainer({
        Image: image,
        // Never started: the archive API reads a created container's mounts.
        Entrypoint: ['/berth-volume-browser'],
        Cmd: [],
        Labels: { [HELPER_LABEL]: 'volume-browser' },
        NetworkDisabled: true,
        HostConfig: {
          NetworkMode: 'none',
          ReadonlyRootfs: true,
          Mounts: [{ Type: 'volume', Source: volume, Target: MOUNT, ReadOnly: readOnly }],
        },
      });
      return id;
    } catch (error) {
      throw volumeError(error, engine.name);
    }
  }

  /** Any image the host has will do, as the helper never runs; a tagged one first. */
  private async helperImage(engine: RegisteredEngine): Promise<string> {
    let images;
    try {
      images = await engine.client.listImages();
    } catch (error) {
      throw volumeError(error, engine.name);
    }
    const tagged = images.find((i) => (i.RepoTags ?? []).some((t) => t !== '<none>:<none>'));
    const image = tagged?.Id ?? images[0]?.Id;
    if (!image) {
      throw new AppError(
        'CONFLICT',
        `host ${engine.name} has no image to read the volume through; pull any image first`,
      );
    }
    return image;
  }

  /**
   * Removes Berth's own helpers that mount `volume` (a listing or download the volume's page is
   * making) when no other container uses it, so a removal asked for meanwhile can go on.
   * `released` when some were removed and nothing else holds the volume; `others` are the
   * containers other than helpers that mount it.
   */
  async releaseHelpers(
    engine: RegisteredEngine,
    volume: string,
  ): Promise<{ released: boolean; others: Docker.ContainerInfo[] }> {
    const users = await engine.client.listContainers({ all: true, filters: { volume: [volume] } });
    const isHelper = (c: Docker.ContainerInfo) => c.Labels?.[HELPER_LABEL] === 'volume-browser';
    const helpers = users.filter(isHelper);
    const others = users.filter((c) => !isHelper(c));
    if (helpers.length === 0 || others.length > 0) return { released: false, others };
    for (const helper of helpers) await this.removeHelper(engine, helper.Id);
    return { released: true, others };
  }

  /**
   * Helpers a server that died mid-request left behind: removed before a new one is made. Only
   * those older than any request lasts, so a download still under way keeps its own.
   */
  private async sweepAbandoned(engine: RegisteredEngine): Promise<void> {
    try {
      const helpers = await engine.client.listContainers({
        all: true,
        filters: { label: [`${HELPER_LABEL}=volume-browser`] },
      });
      const cutoff = Date.now() / 1000 - ABANDONED_AFTER_S;
      for (const helper of helpers.filter((h) => h.Created < cutoff)) {
        await this.removeHelper(engine, helper.Id);
      }
    } catch (error) {
      this.log.warn({ err: error, host: engine.hostId }, 'volume helpers not swept');
    }
  }

  private async removeHelper(engine: RegisteredEngine, id: string): Promise<void> {
    try {
      await engine.client.changeContainer(id, 'remove', { force: true, volumes: true });
    } catch (error) {
      this.log.error({ err: error, container: id, host: engine.hostId }, 'volume helper left');
    }
  }

  private async archive(
    engine: RegisteredEngine,
    helper: string,
    path: string,
  ): Promise<{ stat: PathStat; tarball: IncomingMessage }> {
    const inside = posix.join(MOUNT, normalise(path));
    let tarball: IncomingMessage;
    try {
      tarball = await engine.client.stream({
        path: `/containers/${helper}/archive?path=${encodeURIComponent(inside)}`,
        timeoutMs: this.config.engineTimeoutMs,
      });
    } catch (error) {
      throw volumeError(error, engine.name, path);
    }
    const header = tarball.headers['x-docker-container-path-stat'];
    const stat = header
      ? (JSON.parse(Buffer.from(String(header), 'base64').toString('utf8')) as PathStat)
      : null;
    if (!stat) {
      tarball.destroy();
      throw new AppError('ENGINE_ERROR', 'the engine did not describe the path');
    }
    return { stat, tarball };
  }
}

/**
 * `PUT /containers/{id}/archive`: a tar archive extracted at `path` in a created (or running)
 * container, into its volumes where the path is in one.
 */
export async function putArchive(
  engine: RegisteredEngine,
  container: string,
  path: string,
  tarball: Readable,
  timeoutMs: number,
): Promise<void> {
  const answer = await engine.client.stream({
    method: 'PUT',
    path: `/containers/${container}/archive?path=${encodeURIComponent(path)}`,
    headers: { 'Content-Type': 'application/x-tar' },
    upload: tarball,
    timeoutMs,
  });
  answer.resume();
  await new Promise((resolve) => answer.once('end', resolve).once('close', resolve));
}

function normalise(path: string): string {
  const clean = posix.normalize(path);
  return clean.length > 1 ? clean.replace(/\/$/, '') : '/';
}

function isDirectory(mode: number): boolean {
  // The bit is above 2^31: JavaScript's bitwise operators would read it as a sign.
  return Math.floor(mode / MODE_DIR) % 2 === 1 && Math.floor(mode / MODE_SYMLINK) % 2 === 0;
}

/** The entries directly inside the folder a tarball holds (its first entry is the folder itself). */
async function childrenOf(tarball: Readable): Promise<TVolumeEntry[]> {
  const extract = tar.extract();
  const entries: TVolumeEntry[] = [];
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const parts = header.name.replace(/\/$/, '').split('/');
      if (parts.length === 2 && entries.length < MAX_ENTRIES)
        entries.push(entryOf(parts[1]!, header));
      stream.on('end', next);
      stream.resume();
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
    tarball.on('error', reject);
  });
  tarball.pipe(extract);
  await done;
  return entries.sort((a, b) =>
    a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'directory' ? -1 : 1,
  );
}

function entryOf(name: string, header: tar.Header): TVolumeEntry {
  const type =
    header.type === 'file' || header.type === 'contiguous-file'
      ? 'file'
      : header.type === 'directory'
        ? 'directory'
        : header.type === 'symlink'
          ? 'symlink'
          : 'other';
  return {
    name,
    type,
    size: type === 'file' ? (header.size ?? 0) : 0,
    mode: ((header.mode ?? 0) & 0o7777).toString(8).padStart(4, '0'),
    modifiedAt: header.mtime ? header.mtime.toISOString() : null,
    ...(type === 'symlink' && header.linkname ? { target: header.linkname } : {}),
  };
}

/** The content of a tarball's one file, as a stream; ends the tarball with it. */
function firstFileOf(tarball: IncomingMessage): Readable {
  const out = new PassThrough();
  const extract = tar.extract();
  extract.on('entry', (_header, stream, next) => {
    stream.pipe(out);
    stream.on('end', next);
  });
  extract.on('error', (error) => out.destroy(error));
  tarball.on('error', (error) => out.destroy(error));
  // The client leaving ends the engine's answer too.
  out.on('close', () => tarball.destroy());
  tarball.pipe(extract);
  return out;
}
