'use client';

import '@xterm/xterm/css/xterm.css';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal, type ITheme } from '@xterm/xterm';
import { useEffect, useEffectEvent, useRef } from 'react';
import { openConsole, type ConsoleStart } from '@/lib/dashboard-socket';

export type ConsolePhase =
  | { phase: 'connecting' }
  | { phase: 'open'; tty: boolean }
  | { phase: 'closed'; exitCode: number | null; reason: string };

/** What the console's toolbar can do with the terminal. */
export interface TerminalControls {
  copy(): Promise<boolean>;
  paste(): Promise<boolean>;
  close(): void;
  focus(): void;
}

interface ContainerTerminalProps {
  /** The session to open, given the terminal's size once it is laid out. */
  start: (size: { cols: number; rows: number }) => ConsoleStart;
  onPhase: (phase: ConsolePhase) => void;
  onControls: (controls: TerminalControls | null) => void;
}

/** The terminal's colours follow the page's theme (read from its CSS variables). */
function themeFromPage(): ITheme {
  const css = getComputedStyle(document.documentElement);
  const value = (name: string) => css.getPropertyValue(name).trim();
  return {
    background: value('--surface'),
    foreground: value('--fg'),
    cursor: value('--accent'),
    cursorAccent: value('--surface'),
    selectionBackground: `color-mix(in srgb, ${value('--accent')} 35%, transparent)`,
  };
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard API (a plain-HTTP origin other than localhost): the old way still works.
    const area = document.createElement('textarea');
    area.value = text;
    document.body.append(area);
    area.select();
    const copied = document.execCommand('copy');
    area.remove();
    return copied;
  }
}

/**
 * xterm.js bound to one exec or attach session: keystrokes go to the container, output comes
 * back, the terminal is fitted to its box and the size passed on. Ctrl+Shift+C copies the
 * selection and Ctrl+Shift+V pastes. Loaded in the browser only (xterm needs the DOM).
 */
export default function ContainerTerminal({ start, onPhase, onControls }: ContainerTerminalProps) {
  const box = useRef<HTMLDivElement>(null);
  const startSession = useEffectEvent(start);
  const phase = useEffectEvent(onPhase);
  const controls = useEffectEvent(onControls);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const term = new Terminal({
      cursorBlink: true,
      fontFamily: getComputedStyle(element).fontFamily,
      fontSize: 13,
      scrollback: 5_000,
      theme: themeFromPage(),
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(element);
    fit.fit();

    phase({ phase: 'connecting' });
    const session = openConsole(startSession({ cols: term.cols, rows: term.rows }), {
      onOpen: ({ tty }) => {
        // Without a TTY the output has bare newlines; the terminal must return the carriage.
        term.options.convertEol = !tty;
        phase({ phase: 'open', tty });
        term.focus();
      },
      onOutput: (data) => term.write(data),
      // The scrollback stays; a dim line says what happened to the connection.
      onInterrupted: () => term.write('\r\n\x1b[2m[connection lost, reconnecting…]\x1b[0m\r\n'),
      onResumed: () => term.write('\x1b[2m[reconnected]\x1b[0m\r\n'),
      onExit: (exitCode, reason) => {
        const code = exitCode === null ? '' : `, exit code ${exitCode}`;
        term.write(`\r\n\x1b[2m[${reason}${code}]\x1b[0m\r\n`);
        phase({ phase: 'closed', exitCode, reason });
      },
    });

    const typed = term.onData((data) => session.input(data));
    const resized = term.onResize(({ cols, rows }) => session.resize(cols, rows));
    term.attachCustomKeyEventHandler((event) => {
      if (event.type !== 'keydown' || !event.ctrlKey || !event.shiftKey) return true;
      if (event.code === 'KeyC') {
        event.preventDefault();
        if (term.hasSelection()) void copyText(term.getSelection());
        return false;
      }
      // The browser's own paste then reaches the terminal as a paste event.
      return event.code !== 'KeyV';
    });
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(element);
    const themeWatch = new MutationObserver(() => (term.options.theme = themeFromPage()));
    themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });

    controls({
      copy: () => (term.hasSelection() ? copyText(term.getSelection()) : Promise.resolve(false)),
      paste: async () => {
        try {
          term.paste(await navigator.clipboard.readText());
          term.focus();
          return true;
        } catch {
          return false;
        }
      },
      close: () => session.close(),
      focus: () => term.focus(),
    });

    return () => {
      controls(null);
      themeWatch.disconnect();
      observer.disconnect();
      typed.dispose();
      resized.dispose();
      session.close();
      term.dispose();
    };
  }, []);

  return (
    <div
      ref={box}
      data-testid="container-terminal"
      className="h-[calc(100vh-22rem)] min-h-72 overflow-hidden rounded-lg border border-border bg-surface p-2 font-mono"
    />
  );
}
