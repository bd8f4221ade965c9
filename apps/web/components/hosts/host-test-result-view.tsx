import type { THostTestResult } from '@berth/shared';
import { CircleCheck, CircleX } from 'lucide-react';
import { StatusBadge } from '../ui/status-badge';

/** The answer of a connection test: reachable or not, why, and how fast. */
export function HostTestResultView({ result }: { result: THostTestResult }) {
  const Icon = result.ok ? CircleCheck : CircleX;
  return (
    <div
      role="status"
      className={`flex items-start gap-2.5 rounded-md border px-3 py-2.5 text-sm ${
        result.ok ? 'border-ok/30 bg-ok/5' : 'border-danger/30 bg-danger/5'
      }`}
    >
      <Icon
        aria-hidden
        className={`mt-0.5 size-4 shrink-0 ${result.ok ? 'text-ok' : 'text-danger'}`}
      />
      <div className="flex min-w-0 flex-1 flex-col gap-1">
        <div className="flex flex-wrap items-center gap-2">
          <span className="font-medium text-fg">
            {result.ok ? 'Connection works' : 'Connection failed'}
          </span>
          <StatusBadge status={result.status} />
          <span className="font-mono text-xs text-muted">{Math.round(result.latencyMs)} ms</span>
        </div>
        {result.engine ? (
          <p className="text-xs text-muted">
            Docker <span className="font-mono text-fg">{result.engine.version}</span> · API{' '}
            <span className="font-mono text-fg">{result.engine.apiVersion}</span> ·{' '}
            {result.engine.os}
          </p>
        ) : null}
        {result.sshHostKey ? (
          <p className="text-xs text-muted">
            Host key <span className="font-mono break-all text-fg">{result.sshHostKey}</span>
          </p>
        ) : null}
        {result.error ? <p className="text-xs break-words text-danger">{result.error}</p> : null}
      </div>
    </div>
  );
}
