import type { TFleetSummary } from '@berth/shared';
import { SummaryCard } from './summary-card';

export function FleetSummaryCards({ summary }: { summary: TFleetSummary }) {
  const total = summary.hosts.total;
  const fresh = summary.perHost.filter((host) => !host.stale).length;
  const plural = total === 1 ? '' : 's';
  const from =
    fresh === total
      ? `on ${total} host${plural}`
      : `on ${total} host${plural}, ${total - fresh} as last seen`;
  return (
    <section aria-labelledby="fleet-summary-title" className="flex flex-col gap-2">
      <h2 id="fleet-summary-title" className="sr-only">
        Fleet summary
      </h2>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4 xl:grid-cols-7">
        <SummaryCard
          label="Hosts up"
          tone={summary.hosts.down > 0 ? 'text-danger' : 'text-ok'}
          value={
            <>
              {summary.hosts.up}
              <span className="text-base font-normal text-muted"> / {total}</span>
            </>
          }
          detail={`${summary.hosts.down} not up`}
          href="/hosts"
        />
        <SummaryCard
          label="Running"
          tone="text-ok"
          value={summary.containers.running}
          detail={from}
          href="/containers?state=running"
        />
        <SummaryCard
          label="Paused"
          tone="text-warn"
          value={summary.containers.paused}
          detail={from}
          href="/containers?state=paused"
        />
        <SummaryCard
          label="Stopped"
          tone="text-neutral"
          value={summary.containers.stopped}
          detail={from}
          href="/containers?state=exited"
        />
        <SummaryCard label="Images" value={summary.images} detail={from} />
        <SummaryCard label="Volumes" value={summary.volumes} detail={from} />
        <SummaryCard label="Networks" value={summary.networks} detail={from} />
      </dl>
    </section>
  );
}
