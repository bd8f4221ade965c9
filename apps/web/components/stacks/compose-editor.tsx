'use client';

import type { FieldIssue } from '@berth/shared';
import { yaml } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import CodeMirror, { type EditorView } from '@uiw/react-codemirror';
import { useEffect, useState } from 'react';

const EXTENSIONS = [yaml(), lintGutter()];

/** The server's compose problems as CodeMirror diagnostics, each over its whole line. */
function diagnosticsOf(view: EditorView, issues: readonly FieldIssue[]): Diagnostic[] {
  const doc = view.state.doc;
  return issues.map((issue) => {
    const line = doc.line(Math.min(Math.max(issue.line ?? 1, 1), doc.lines));
    return {
      from: line.from,
      to: line.to,
      severity: 'error',
      message: issue.path ? `${issue.path}: ${issue.message}` : issue.message,
    };
  });
}

interface ComposeEditorProps {
  value: string;
  onChange: (value: string) => void;
  /** Problems the server found in the text last sent, shown at their lines until the next send. */
  issues: readonly FieldIssue[];
}

/** The compose file: YAML highlighting, and the server's COMPOSE_INVALID issues in the gutter. */
export function ComposeEditor({ value, onChange, issues }: ComposeEditorProps) {
  const [view, setView] = useState<EditorView | null>(null);
  const [dark] = useState(
    () => typeof document !== 'undefined' && document.documentElement.classList.contains('dark'),
  );
  useEffect(() => {
    if (view) view.dispatch(setDiagnostics(view.state, diagnosticsOf(view, issues)));
  }, [view, issues]);
  return (
    <div
      className="overflow-hidden rounded-md border border-border text-sm"
      data-testid="compose-editor"
    >
      <CodeMirror
        value={value}
        onChange={onChange}
        extensions={EXTENSIONS}
        theme={dark ? 'dark' : 'light'}
        height="22rem"
        aria-label="Compose file"
        onCreateEditor={(created) => setView(created)}
        basicSetup={{ tabSize: 2 }}
      />
    </div>
  );
}
