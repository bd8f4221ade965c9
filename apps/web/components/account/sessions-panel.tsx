'use client';

import { useState } from 'react';
import { toastDone } from '@/lib/action-toasts';
import { useEndOtherSessions, useEndSession, useSessions } from '@/lib/account-queries';
import { RelativeTime } from '../hosts/relative-time';
import { Button } from '../ui/button';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { ErrorNotice } from '../ui/error-notice';
import { Panel } from '../ui/panel';
import { Skeleton } from '../ui/skeleton';
import { Table, Td, Th } from '../ui/table';

/** "Firefox on Linux" from a user agent, enough to tell one's own devices apart. */
function deviceOf(userAgent: string): string {
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : /curl\//.test(userAgent)
            ? 'curl'
            : null;
  const system = /Android/.test(userAgent)
    ? 'Android'
    : /iPhone|iPad/.test(userAgent)
      ? 'iOS'
      : /Mac OS X/.test(userAgent)
        ? 'macOS'
        : /Windows/.test(userAgent)
          ? 'Windows'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : null;
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? (userAgent || 'Unknown device');
}

/** Where you are signed in; any session but this one can be ended, or all of them at once. */
export function SessionsPanel() {
  const sessions = useSessions();
  const end = useEndSession();
  const endOthers = useEndOtherSessions();
  const [confirmOthers, setConfirmOthers] = useState(false);
  const others = sessions.data?.filter((s) => !s.current).length ?? 0;

  return (
    <Panel
      title="Sessions"
      flush
      actions={
        others > 0 ? (
          <Button
            size="sm"
            onClick={() => {
              endOthers.reset();
              setConfirmOthers(true);
            }}
          >
            Sign out everywhere else
          </Button>
        ) : null
      }
    >
      {sessions.isPending ? <Skeleton className="m-4 h-16" /> : null}
      {sessions.isError ? (
        <div className="p-4">
          <ErrorNotice error={sessions.error} />
        </div>
      ) : null}
      {end.isError ? (
        <div className="p-4">
          <ErrorNotice error={end.error} />
        </div>
      ) : null}
      {sessions.data ? (
        <Table label="Your sessions">
          <thead>
            <tr>
              <Th>Device</Th>
              <Th>Address</Th>
              <Th>Signed in</Th>
              <Th>Last active</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </thead>
          <tbody>
            {sessions.data.map((session) => (
              <tr key={session.id} data-current={session.current || undefined}>
                <Td>
                  <span title={session.userAgent}>{deviceOf(session.userAgent)}</span>
                  {session.current ? (
                    <span className="ml-2 rounded border border-border px-1 py-px text-[10px] font-medium text-muted uppercase">
                      this one
                    </span>
                  ) : null}
                </Td>
                <Td className="font-mono text-xs">{session.ip || '—'}</Td>
                <Td>
                  <RelativeTime iso={session.createdAt} />
                </Td>
                <Td>
                  <RelativeTime iso={session.lastSeenAt} />
                </Td>
                <Td className="text-right">
                  {session.current ? null : (
                    <Button
                      size="sm"
                      variant="ghost"
                      disabled={end.isPending}
                      aria-label={`End the session of ${deviceOf(session.userAgent)} from ${session.ip || 'an unknown address'}`}
                      onClick={() =>
                        end.mutate(session.id, { onSuccess: () => toastDone('Session ended') })
                      }
                    >
                      End
                    </Button>
                  )}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      ) : null}
      <ConfirmDialog
        open={confirmOthers}
        title="Sign out everywhere else?"
        confirmLabel="Sign out"
        pending={endOthers.isPending}
        error={endOthers.error}
        onClose={() => setConfirmOthers(false)}
        onConfirm={() =>
          endOthers.mutate(undefined, {
            onSuccess: ({ ended }) => {
              toastDone(`${ended} other ${ended === 1 ? 'session' : 'sessions'} signed out`);
              setConfirmOthers(false);
            },
          })
        }
      >
        Every other browser signed in as you is signed out at once. API tokens keep working; revoke
        them below.
      </ConfirmDialog>
    </Panel>
  );
}
