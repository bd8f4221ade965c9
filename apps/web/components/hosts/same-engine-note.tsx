import { ExternalLink } from 'lucide-react';
import Link from 'next/link';
import { Button, buttonClassName } from '../ui/button';

/**
 * The engine behind this address is already registered as another host (same engine ID): a
 * link to that host and, once a save was refused for it, a button to save anyway.
 */
export function SameEngineNote({
  host,
  anyway,
}: {
  host: { id: string; name: string };
  anyway?: { label: string; onClick: () => void; disabled: boolean } | null;
}) {
  return (
    <div
      role="alert"
      className="flex flex-wrap items-center gap-3 rounded-md border border-warn/30 bg-warn/10 px-3 py-2.5 text-sm text-fg"
    >
      <span className="min-w-0 flex-1">
        This engine is already registered as host <strong>{host.name}</strong>. Registering it again
        shows its containers twice.
      </span>
      <Link
        href={`/hosts/${encodeURIComponent(host.id)}`}
        className={buttonClassName('secondary', 'sm')}
      >
        <ExternalLink aria-hidden />
        Open {host.name}
      </Link>
      {anyway ? (
        <Button size="sm" onClick={anyway.onClick} disabled={anyway.disabled}>
          {anyway.label}
        </Button>
      ) : null}
    </div>
  );
}
