'use client';

import type { TAuditVerifyResult } from '@berth/shared';
import { CircleCheck, CircleX, Link2 } from 'lucide-react';
import { useVerifyAuditChain } from '@/lib/admin-queries';
import { Button } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';

/** Checks the audit log's hash chain on demand and says what it found. */
export function VerifyChain() {
  const verify = useVerifyAuditChain();
  return (
    <div className="flex flex-col gap-3">
      <div>
        <Button onClick={() => verify.mutate()} disabled={verify.isPending}>
          <Link2 aria-hidden />
          {verify.isPending ? 'Verifying…' : 'Verify chain'}
        </Button>
      </div>
      {verify.data ? <VerifyResult result={verify.data} /> : null}
      {verify.error ? <ErrorNotice error={verify.error} /> : null}
    </div>
  );
}

function VerifyResult({ result }: { result: TAuditVerifyResult }) {
  const Icon = result.ok ? CircleCheck : CircleX;
  const from = result.firstId !== undefined ? ` from record #${result.firstId}` : '';
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
      <div className="flex flex-col gap-0.5">
        <p className="font-medium text-fg">
          {result.ok ? 'Chain intact' : `Chain broken at record #${result.brokenAt ?? '?'}`}
        </p>
        <p className="text-xs text-muted">
          {result.ok
            ? `${result.checked} record${result.checked === 1 ? '' : 's'} checked${from}: none was altered, removed or inserted afterwards.`
            : `${result.checked} record${result.checked === 1 ? '' : 's'}${from} checked fine before it. That record, or the one before it, was changed after it was written.`}
        </p>
      </div>
    </div>
  );
}
