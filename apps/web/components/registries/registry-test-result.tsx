import type { TRegistryTestResult } from '@berth/shared';
import { CircleCheck, CircleX } from 'lucide-react';

/** A connection test's answer; a failure shows the registry's own reason. */
export function RegistryTestResult({ result }: { result: TRegistryTestResult }) {
  return (
    <div
      role="status"
      className={`flex items-start gap-2 rounded-md border px-3 py-2 text-sm ${
        result.ok ? 'border-ok/40 text-ok' : 'border-danger/40 text-danger'
      }`}
    >
      {result.ok ? (
        <CircleCheck aria-hidden className="mt-0.5 size-4 shrink-0" />
      ) : (
        <CircleX aria-hidden className="mt-0.5 size-4 shrink-0" />
      )}
      <span>
        {result.ok ? 'Connected: ' : 'Failed: '}
        <span className="text-fg">{result.message}</span>
      </span>
    </div>
  );
}
