import type { AuditOutcome } from '@berth/shared';
import { Tag } from './tag';

export function AuditOutcomeTag({ outcome }: { outcome: AuditOutcome }) {
  switch (outcome) {
    case 'success':
      return <Tag tone="ok">success</Tag>;
    case 'failure':
      return <Tag tone="danger">failure</Tag>;
    case 'denied':
      return <Tag tone="warn">denied</Tag>;
    // The engine was asked, but its answer was lost (e.g. the server stopped) and it could not tell.
    case 'unknown':
      return <Tag tone="neutral">unknown</Tag>;
  }
}
