import type { TImageLayer } from '@berth/shared';

/** One entry of the engine's `GET /images/{id}/history`. */
export interface EngineHistoryEntry {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

/**
 * A layer as the dashboard lists it. The legacy builder records each instruction as the shell
 * command that ran it: `/bin/sh -c #(nop)  CMD ["sh"]` for metadata instructions and
 * `/bin/sh -c echo hi` for RUN; both are shown as the instruction written in the Dockerfile.
 */
export function toImageLayer(entry: EngineHistoryEntry): TImageLayer {
  return {
    id: entry.Id,
    createdBy: instructionOf(entry.CreatedBy ?? ''),
    size: entry.Size ?? 0,
    createdAt: new Date((entry.Created ?? 0) * 1000).toISOString(),
    empty: (entry.Size ?? 0) === 0,
    tags: entry.Tags ?? [],
    comment: entry.Comment ?? '',
  };
}

export function instructionOf(createdBy: string): string {
  const nop = /^\/bin\/sh -c #\(nop\)\s+/.exec(createdBy);
  if (nop) return createdBy.slice(nop[0].length).trim();
  const run = /^\/bin\/sh -c\s+/.exec(createdBy);
  if (run) return `RUN ${createdBy.slice(run[0].length).trim()}`;
  return createdBy.trim();
}
