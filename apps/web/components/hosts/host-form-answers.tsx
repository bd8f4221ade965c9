import type { THostTestResult } from '@berth/shared';
import { ErrorNotice } from '../ui/error-notice';
import { HostTestResultView } from './host-test-result-view';
import { SameEngineNote } from './same-engine-note';

/**
 * What a host form was last answered: the connection test, another host that already has the
 * engine (with, after a refused save, the button to save anyway) and any other failure.
 */
export function HostFormAnswers({
  tested,
  sameEngine,
  anyway,
  failure,
}: {
  tested: THostTestResult | undefined;
  sameEngine: { id: string; name: string } | null;
  anyway: { label: string; onClick: (() => void) | null; disabled: boolean };
  failure: unknown;
}) {
  const { onClick } = anyway;
  return (
    <>
      {tested ? <HostTestResultView result={tested} /> : null}
      {sameEngine ? (
        <SameEngineNote host={sameEngine} anyway={onClick ? { ...anyway, onClick } : null} />
      ) : null}
      {failure ? <ErrorNotice error={failure} /> : null}
    </>
  );
}
