import type { IncomingMessage } from 'node:http';
import type { TPullProgress } from '@berth/shared';
import { onJsonLines } from '../docker/json-lines.js';

/** Byte counters of one layer are passed on at most this often. */
const PROGRESS_INTERVAL_MS = 250;

interface ProgressLine {
  status?: string;
  /** Text a load writes (`Loaded image: name:tag`). */
  stream?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
  aux?: Record<string, unknown>;
}

export type ProgressStep = Pick<TPullProgress, 'status' | 'layer' | 'current' | 'total'>;

/** How a progress stream ended: the engine's error line if any, and its `aux` answer (a push's digest). */
export interface ProgressEnd {
  error: string | null;
  aux: Record<string, unknown> | null;
}

/**
 * Reads a pull or push progress stream to its end, passing each step on (a layer's byte counters
 * at most every 250 ms). The engine answers 200 before it starts; a failure comes as an `error`
 * line inside the stream, or as the stream breaking.
 */
export function followProgress(
  stream: IncomingMessage,
  step: (progress: ProgressStep) => void,
): Promise<ProgressEnd> {
  return new Promise((resolve) => {
    let error: string | null = null;
    let aux: Record<string, unknown> | null = null;
    const lastStep = new Map<string, number>();
    onJsonLines(stream, (value) => {
      const line = value as ProgressLine;
      if (line.error || line.errorDetail?.message) {
        error = line.errorDetail?.message ?? line.error ?? 'failed';
        return;
      }
      if (line.aux) {
        aux = line.aux;
        return;
      }
      const current = line.progressDetail?.current;
      const total = line.progressDetail?.total;
      if (line.id && current !== undefined) {
        const now = Date.now();
        if (now - (lastStep.get(line.id) ?? 0) < PROGRESS_INTERVAL_MS) return;
        lastStep.set(line.id, now);
      }
      step({
        status: line.status ?? line.stream?.trim() ?? '',
        ...(line.id ? { layer: line.id } : {}),
        ...(current !== undefined ? { current } : {}),
        ...(total !== undefined ? { total } : {}),
      });
    });
    stream.once('error', (e) => {
      error ??= e.message;
    });
    stream.once('close', () => resolve({ error, aux }));
  });
}
