import type { FieldIssue } from '@berth/shared';

/** The problems of a COMPOSE_INVALID answer, each at its line and path; nothing when none. */
export function ComposeProblems({ issues }: { issues: readonly FieldIssue[] }) {
  if (issues.length === 0) return null;
  return (
    <ul
      aria-label="Compose problems"
      className="flex flex-col gap-1 rounded-md border border-danger/40 bg-danger/5 px-3 py-2 text-xs text-danger"
    >
      {issues.map((issue, index) => (
        <li key={index} className="font-mono">
          line {issue.line ?? '?'}: {issue.path ? `${issue.path}: ` : ''}
          {issue.message}
        </li>
      ))}
    </ul>
  );
}
