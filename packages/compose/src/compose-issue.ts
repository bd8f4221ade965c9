/**
 * One problem found in a compose project. `path` is dotted (`services.web.ports.0`), `line` is
 * 1-based in the file named by `file` (0 when the problem has no place in a file, such as a
 * missing variable given on the command line). The server answers a list of these as
 * 400 COMPOSE_INVALID.
 */
export interface ComposeIssue {
  path: string;
  line: number;
  message: string;
  file?: string;
}

/** Thrown by the loader when a project cannot be built; carries every issue found. */
export class ComposeError extends Error {
  constructor(readonly issues: ComposeIssue[]) {
    super(
      issues.map((issue) => `${issue.path || '(root)'}:${issue.line}: ${issue.message}`).join('\n'),
    );
    this.name = 'ComposeError';
  }
}
