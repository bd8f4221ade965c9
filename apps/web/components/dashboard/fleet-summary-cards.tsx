import type { FleetSummary } from '@/lib/fleet-summary';
import { SummaryCard } from './summary-card';

export function FleetSummaryCards({ summary }: { summary: FleetSummary }) {
  const from = `on ${summary.reporting} of ${summary.hosts} host${summary.hosts === 1 ? '' : 's'}`;
  return (
    <section aria-labelledby="fleet-summary-title" className="flex flex-col gap-2">
      <h2 id="fleet-summary-title" className="sr-only">
        Fleet summary
      </h2>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 xl:grid-cols-5">
        <SummaryCard
          label="Hosts up"
          tone={summary.failing > 0 ? 'text-danger' : 'text-ok'}
          value={
            <>
              {summary.up}
              <span className="text-base font-normal text-muted"> / {summary.hosts}</span>
            </>
          }
          detail={`${summary.failing} down · ${summary.unknown} not checked`}
        />
        <SummaryCard label="Running" tone="text-ok" value={summary.running} detail={from} />
        <SummaryCard label="Paused" tone="text-warn" value={summary.paused} detail={from} />
        <SummaryCard label="Stopped" tone="text-neutral" value={summary.stopped} detail={from} />
        <SummaryCard label="Images" value={summary.images} detail={from} />
      </dl>
    </section>
  );
}
