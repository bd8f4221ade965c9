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
