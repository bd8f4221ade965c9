import type { Readable } from 'node:stream';
import { onJsonLines } from '../docker/json-lines.js';

interface BuildLine {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/** How a build's output ended: the image made, or the engine's error and the step it failed at. */
export interface BuildEnd {
  id: string | null;
  error: string | null;
  /** The last `Step n/m : …` line before the error, when there was one. */
  failedStep: string | null;
}

/**
 * Reads the legacy builder's JSON lines (`{"stream": …}` text, `{"aux": {"ID": …}}` for the
 * image made, `{"error": …}` when a step failed) to their end, passing each text line on.
 */
export function followBuildLog(stream: Readable, line: (text: string) => void): Promise<BuildEnd> {
  return new Promise((resolve) => {
    const end: BuildEnd = { id: null, error: null, failedStep: null };
    let step: string | null = null;
    onJsonLines(stream, (value) => {
      const entry = value as BuildLine;
      if (entry.error || entry.errorDetail?.message) {
        end.error = entry.errorDetail?.message ?? entry.error ?? 'failed';
        end.failedStep = step;
        line(end.error);
        return;
      }
      if (entry.aux?.ID) end.id = entry.aux.ID;
      const text = entry.stream ?? entry.status;
      if (!text) return;
      for (const part of text.split('\n')) {
        const shown = part.trimEnd();
        if (!shown) continue;
        if (/^Step \d+\/\d+ : /.test(shown)) step = shown;
        line(shown);
      }
    });
    stream.once('error', (e) => {
      end.error ??= e.message;
    });
    stream.once('close', () => resolve(end));
  });
}
