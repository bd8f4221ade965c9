'use client';

import { ClipboardCopy, ClipboardPaste, Plug, Unplug } from 'lucide-react';
import dynamic from 'next/dynamic';
import { useRef, useState, type FormEvent } from 'react';
import type { ConsoleStart } from '@/lib/dashboard-socket';
import { Button } from '../ui/button';
import { compactInputClassName } from './compact-input';
import { Skeleton } from '../ui/skeleton';
import type { ConsolePhase, TerminalControls } from './container-terminal';

// xterm.js needs the DOM, so the terminal is loaded in the browser only.
const ContainerTerminal = dynamic(() => import('./container-terminal'), {
  ssr: false,
  loading: () => <Skeleton className="h-[calc(100vh-22rem)] min-h-72" />,
});

const SHELLS = ['/bin/sh', '/bin/bash', '/bin/ash', '/bin/zsh'];

interface ContainerConsoleProps {
  hostId: string;
  id: string;
  running: boolean;
  /** The container was created with a TTY / with stdin open (what attach can offer). */
  tty: boolean;
  openStdin: boolean;
}

function phaseText(phase: ConsolePhase | null): string {
  if (!phase) return 'Not connected';
  switch (phase.phase) {
    case 'connecting':
      return 'Connecting…';
    case 'open':
      return phase.tty ? 'Connected' : 'Connected (no TTY: line output only)';
    case 'closed':
      return `Closed: ${phase.reason}${phase.exitCode === null ? '' : ` (exit code ${phase.exitCode})`}`;
  }
}

/** A shell in the container (exec) or the main process's console (attach), in xterm.js. */
export function ContainerConsole({ hostId, id, running, tty, openStdin }: ContainerConsoleProps) {
  const [mode, setMode] = useState<'exec' | 'attach'>('exec');
  const [shell, setShell] = useState('/bin/sh');
  const [user, setUser] = useState('');
  // Each connection gets a fresh terminal; a running container connects at once.
  const [session, setSession] = useState(running ? 1 : 0);
  const [started, setStarted] = useState<ConsoleStart | null>(null);
  const [phase, setPhase] = useState<ConsolePhase | null>(null);
  const [note, setNote] = useState('');
  const controls = useRef<TerminalControls | null>(null);

  const open = phase?.phase === 'open' || phase?.phase === 'connecting';

  function startOf(size: { cols: number; rows: number }): ConsoleStart {
    const next: ConsoleStart =
      mode === 'exec'
        ? {
            kind: 'exec',
            request: {
              hostId,
              containerId: id,
              shell,
              ...(user.trim() ? { user: user.trim() } : {}),
              ...size,
            },
          }
        : { kind: 'attach', request: { hostId, containerId: id, ...size } };
    setStarted(next);
    return next;
  }

  function connect(event?: FormEvent<HTMLFormElement>) {
    event?.preventDefault();
    setNote('');
    setSession(session + 1);
  }

  async function clipboard(action: 'copy' | 'paste') {
    const done = await (action === 'copy' ? controls.current?.copy() : controls.current?.paste());
    setNote(
      done
        ? action === 'copy'
          ? 'Copied the selection.'
          : ''
        : action === 'copy'
          ? 'Select text in the terminal first.'
          : 'The browser did not allow reading the clipboard; use Ctrl+Shift+V.',
    );
  }

  const select = `${compactInputClassName} h-8 py-0`;
  return (
    <div className="flex flex-col gap-3">
      <form
        onSubmit={connect}
        aria-label="Console options"
        className="flex flex-wrap items-center gap-2"
      >
        <div role="group" aria-label="Mode" className="flex rounded-md border border-border p-0.5">
          {(['exec', 'attach'] as const).map((value) => (
            <button
              key={value}
              type="button"
              aria-pressed={mode === value}
              onClick={() => setMode(value)}
              className={`rounded px-2.5 py-1 text-xs ${mode === value ? 'bg-surface-2 font-medium text-fg' : 'text-muted hover:text-fg'}`}
            >
              {value === 'exec' ? 'Shell (exec)' : 'Attach'}
            </button>
          ))}
        </div>
        {mode === 'exec' ? (
          <>
            <label className="flex items-center gap-1.5 text-xs text-muted">
              Shell
              <select
                value={shell}
                onChange={(event) => setShell(event.target.value)}
                className={select}
              >
                {SHELLS.map((value) => (
                  <option key={value} value={value}>
                    {value}
                  </option>
                ))}
              </select>
            </label>
            <label className="flex items-center gap-1.5 text-xs text-muted">
              User
              <input
                value={user}
                onChange={(event) => setUser(event.target.value)}
                placeholder="the container's"
                autoComplete="off"
                className={`${compactInputClassName} h-8 w-36 font-mono text-[13px]`}
              />
            </label>
          </>
        ) : (
          <span className="text-xs text-muted">
            {tty
              ? 'Joins the main process’s terminal.'
              : openStdin
                ? 'The main process has no TTY: output comes line by line.'
                : 'The main process has no TTY and no stdin: output only.'}
          </span>
        )}
        <Button type="submit" variant={open ? 'secondary' : 'primary'} disabled={!running}>
          <Plug aria-hidden />
          {open ? 'Reconnect' : 'Connect'}
        </Button>
        {open ? (
          <Button onClick={() => controls.current?.close()}>
            <Unplug aria-hidden />
            Disconnect
          </Button>
        ) : null}
        <span className="flex-1" />
        <Button
          size="sm"
          variant="ghost"
          onClick={() => void clipboard('copy')}
          disabled={!session}
        >
          <ClipboardCopy aria-hidden />
          Copy
        </Button>
        <Button size="sm" variant="ghost" onClick={() => void clipboard('paste')} disabled={!open}>
          <ClipboardPaste aria-hidden />
          Paste
        </Button>
      </form>
      <p role="status" className="text-xs text-muted">
        {running ? phaseText(phase) : 'The container is not running; start it to open a console.'}
        {started?.kind === 'exec' && phase ? (
          <span className="font-mono"> · {started.request.shell}</span>
        ) : null}
        {note ? <span> · {note}</span> : null}
        <span className="hidden md:inline"> · Ctrl+Shift+C copies, Ctrl+Shift+V pastes</span>
      </p>
      {session > 0 ? (
        <ContainerTerminal
          key={session}
          start={startOf}
          onPhase={setPhase}
          onControls={(next) => (controls.current = next)}
        />
      ) : (
        <div className="flex h-[calc(100vh-22rem)] min-h-72 items-center justify-center rounded-lg border border-dashed border-border-strong text-sm text-muted">
          {running ? 'Choose a shell and connect.' : 'Not running.'}
        </div>
      )}
    </div>
  );
}
