import { compareEngineTimes, engineTime, linesAfter } from './log-frames.js';
import type { StreamSink } from './stream-hub.js';

/**
 * Reads a log once from the viewer's cursor to `until` (both included; to the end without it).
 * Rejects, with what the viewer is told, when the read fails.
 */
export type GapReader<L> = (until: string | undefined) => Promise<L[]>;

/**
 * The lines of a shared followed log for a viewer coming back after a reconnect: those after its
 * cursor, once each and in order. The stream may have been opened since by another viewer, from
 * that viewer's own tail: when the first line it gives this one (kept or live) is later than the
 * cursor, the lines in between are read from the engine (`readGap`, up to that line) and sent
 * first, the stream's lines held meanwhile. A stream that ends before giving any line is read to
 * its end the same way. A failed read ends the viewer's lines with its reason, not with a gap.
 *
 * Lines are told apart by the engine's time: those at the cursor's time count as had (as with
 * `linesAfter`); of the lines the read has at the first line's own time, the last ones are those
 * the stream has given.
 */
export function resumeLines<L extends { time?: string }>(
  cursor: string,
  sink: StreamSink<L>,
  readGap: GapReader<L>,
): StreamSink<L> {
  let state: 'first' | 'reading' | 'live' | 'failed' = 'first';
  let pass: StreamSink<L> = sink;
  const held: L[] = [];
  let ended: string | undefined;
  const fill = (first: string | null) => {
    state = 'reading';
    readGap(first ?? undefined).then(
      (read) => {
        const given = first === null ? 0 : leadingAt(held, first);
        for (const line of between(read, cursor, first, given)) sink.next(line);
        for (const line of held.splice(0)) sink.next(line);
        state = 'live';
        if (ended !== undefined) sink.end(ended);
      },
      (error: unknown) => {
        state = 'failed';
        held.length = 0;
        sink.end(error instanceof Error ? error.message : String(error));
      },
    );
  };
  return {
    next: (line) => {
      if (state === 'live') pass.next(line);
      else if (state === 'reading') held.push(line);
      else if (state === 'first') {
        const time = timeOf(line);
        if (time === null || compareEngineTimes(time, cursor) <= 0) {
          // The stream reaches back to the cursor: it has every line after it.
          state = 'live';
          pass = linesAfter(cursor, sink);
          pass.next(line);
        } else {
          held.push(line);
          fill(time);
        }
      }
    },
    end: (reason) => {
      if (state === 'live') pass.end(reason);
      else if (state === 'reading') ended = reason;
      else if (state === 'first') {
        ended = reason;
        fill(null);
      }
    },
  };
}

/**
 * The lines read that come after the cursor and before the stream's first line: of those at its
 * time, all but the `given` ones the stream has.
 */
function between<L extends { time?: string }>(
  read: L[],
  cursor: string,
  first: string | null,
  given: number,
): L[] {
  const atFirst = first === null ? 0 : read.filter((l) => timeOf(l) === first).length;
  let room = atFirst - given;
  const lines: L[] = [];
  const collect = linesAfter<L>(cursor, { next: (line) => lines.push(line), end: () => {} });
  for (const line of read) {
    const time = timeOf(line);
    if (first !== null && time !== null) {
      const order = compareEngineTimes(time, first);
      if (order > 0 || (order === 0 && (room -= 1) < 0)) break;
    }
    collect.next(line);
  }
  return lines;
}

/** How many lines at the start of `lines` have the engine time `time`. */
function leadingAt<L extends { time?: string }>(lines: L[], time: string): number {
  const other = lines.findIndex((l) => timeOf(l) !== time);
  return other === -1 ? lines.length : other;
}

function timeOf(line: { time?: string }): string | null {
  return line.time === undefined ? null : engineTime(line.time);
}
