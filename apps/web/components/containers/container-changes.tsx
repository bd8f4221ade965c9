'use client';

import type { TContainerChange } from '@berth/shared';
import { useState } from 'react';
import { useContainerChanges } from '@/lib/container-queries';
import { Button } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';
import { Panel } from '../ui/panel';

/** Shown at first; the rest behind a button, since a busy container can change thousands. */
const FIRST = 200;

function kindLook(kind: TContainerChange['kind']): { mark: string; tone: string } {
  switch (kind) {
    case 'added':
      return { mark: 'A', tone: 'text-ok' };
    case 'modified':
      return { mark: 'C', tone: 'text-warn' };
    case 'deleted':
      return { mark: 'D', tone: 'text-danger' };
  }
}

/** What the container changed in its filesystem since it was created (`docker diff`), on request. */
export function ContainerChanges({ hostId, id }: { hostId: string; id: string }) {
  const [asked, setAsked] = useState(false);
  const [all, setAll] = useState(false);
  const changes = useContainerChanges(hostId, id, asked);
  return (
    <Panel
      title="Filesystem changes"
      actions={
        <Button size="sm" onClick={() => (asked ? void changes.refetch() : setAsked(true))}>
          {asked ? (changes.isFetching ? 'Loading…' : 'Refresh') : 'Show changes'}
        </Button>
      }
    >
      {!asked ? (
        <p className="text-sm text-muted">
          Files added, changed and deleted since the container was created.
        </p>
      ) : changes.isPending ? (
        <p className="text-sm text-muted">Loading…</p>
      ) : changes.isError ? (
        <ErrorNotice error={changes.error} onRetry={() => void changes.refetch()} />
      ) : changes.data.length === 0 ? (
        <p className="text-sm text-muted">No changes.</p>
      ) : (
        <div className="flex flex-col gap-2">
          <ul aria-label="Changed paths" className="flex flex-col font-mono text-xs">
            {(all ? changes.data : changes.data.slice(0, FIRST)).map((change) => {
              const { mark, tone } = kindLook(change.kind);
              return (
                <li key={change.path} className="flex gap-2">
                  <span className={`w-3 font-semibold ${tone}`} title={change.kind}>
                    {mark}
                  </span>
                  <span className="break-all text-fg">{change.path}</span>
                </li>
              );
            })}
          </ul>
          {!all && changes.data.length > FIRST ? (
            <div>
              <Button size="sm" variant="ghost" onClick={() => setAll(true)}>
                Show all {changes.data.length.toLocaleString()}
              </Button>
            </div>
          ) : null}
        </div>
      )}
    </Panel>
  );
}
