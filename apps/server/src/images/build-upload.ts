import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import tar from 'tar-stream';
import { type FieldIssue, ZBuildOptions } from '@berth/shared';
import type { z } from 'zod';
import { AppError } from '../common/app-error.js';

/** The largest build context taken, as a tar archive or as files. */
export const MAX_CONTEXT_BYTES = 512 * 1024 * 1024;
const MAX_FILES = 5_000;

export type BuildOptions = z.output<typeof ZBuildOptions>;

/** A build's upload, read whole: its options and its context as a tar file on disk. */
export interface BuildUpload {
  options: BuildOptions;
  contextTar: string;
  dispose(): Promise<void>;
}

interface UploadedFile {
  path: string;
  data: Buffer;
}

/**
 * Reads a build upload (multipart/form-data): the `options` field (the build options as JSON)
 * and either one `context` part (a tar archive) or `files` parts, each named by its path in the
 * context, which are packed into one. Bad input is answered 400 on its field: `context`,
 * `files`, `dockerfile` (not among the files) or the option's own name.
 */
export async function readBuildUpload(req: IncomingMessage): Promise<BuildUpload> {
  if (!/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) {
    throw invalid('context', 'send the build as multipart/form-data with options and a context');
  }
  const dir = await mkdtemp(join(tmpdir(), 'berth-build-'));
  const contextTar = join(dir, 'context.tar');
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const { optionsText, files, tarUploaded } = await readParts(req, contextTar);
    const options = parseOptions(optionsText);
    if (tarUploaded === files.length > 0) {
      throw invalid('context', 'upload either a context tar archive or the context files');
    }
    if (!tarUploaded) {
      if (!files.some((file) => file.path === posix.normalize(options.dockerfile))) {
        throw invalid('dockerfile', `no file ${options.dockerfile} among the files uploaded`);
      }
      await pipeline(packFiles(files), createWriteStream(contextTar));
    }
    return { options, contextTar, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

function readParts(
  req: IncomingMessage,
  contextTar: string,
): Promise<{ optionsText: string | null; files: UploadedFile[]; tarUploaded: boolean }> {
  return new Promise((resolve, reject) => {
    let optionsText: string | null = null;
    let tarUploaded = false;
    let failed: AppError | null = null;
    const files: UploadedFile[] = [];
    const writes: Promise<void>[] = [];
    const fail = (error: AppError) => {
      failed ??= error;
    };
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        preservePath: true,
        limits: { fileSize: MAX_CONTEXT_BYTES, files: MAX_FILES, fields: 5, fieldSize: 1 << 20 },
      });
    } catch {
      reject(invalid('context', 'the upload is not readable multipart/form-data'));
      return;
    }
    parser.on('field', (name, value) => {
      if (name === 'options') optionsText = value;
    });
    parser.on('file', (name, stream: Readable, info) => {
      stream.once('limit', () => fail(invalid(name, 'the build context is larger than 512 MiB')));
      if (name === 'context' && !tarUploaded) {
        tarUploaded = true;
        writes.push(pipeline(stream, createWriteStream(contextTar)));
        return;
      }
      if (name !== 'files') {
        stream.resume();
        fail(invalid(name, 'expected one context archive or files parts'));
        return;
      }
      const path = contextPath(info.filename ?? '');
      if (!path) {
        stream.resume();
        fail(invalid('files', `${info.filename} is not a path inside the context`));
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.once('end', () => files.push({ path, data: Buffer.concat(chunks) }));
    });
    parser.once('filesLimit', () => fail(invalid('files', `at most ${MAX_FILES} files`)));
    parser.once('error', () => reject(invalid('context', 'the upload broke off')));
    parser.once('close', () => {
      void Promise.all(writes).then(
        () => (failed ? reject(failed) : resolve({ optionsText, files, tarUploaded })),
        () => reject(invalid('context', 'the upload broke off')),
      );
    });
    req.pipe(parser);
  });
}

function parseOptions(text: string | null): BuildOptions {
  if (text === null) throw invalid('options', 'the build options are missing');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid('options', 'the build options are not JSON');
  }
  const parsed = ZBuildOptions.safeParse(value);
  if (parsed.success) return parsed.data;
  throw AppError.validation(
    parsed.error.issues.map((issue): FieldIssue => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  );
}

/** A file's path inside the context, normalised, or null when it would leave it. */
function contextPath(name: string): string | null {
  const path = posix.normalize(name.replace(/\\/g, '/')).replace(/^\.\//, '');
  if (!path || path === '.' || path.startsWith('/') || path.split('/').includes('..')) return null;
  return path;
}

function packFiles(files: UploadedFile[]): Readable {
  const pack = tar.pack();
  for (const file of files) pack.entry({ name: file.path, mode: 0o644 }, file.data);
  pack.finalize();
  return pack as unknown as Readable;
}

function invalid(path: string, message: string): AppError {
  return AppError.validation([{ path, message }]);
}
