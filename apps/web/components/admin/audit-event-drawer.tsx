'use client';

import type { TAuditEvent } from '@berth/shared';
import { formatDateTime } from '@/lib/format';
import { FactList } from '../hosts/fact-list';
import { AuditOutcomeTag } from './audit-outcome';
import { Drawer } from './drawer';
import { DrawerSection } from './drawer-section';

interface AuditEventDrawerProps {
  event: TAuditEvent | null;
  hostName: (id: string) => string | undefined;
  onClose: () => void;
}

const none = <span className="text-muted">none</span>;

/** Everything one audit record holds, its details as JSON. */
export function AuditEventDrawer({ event, hostName, onClose }: AuditEventDrawerProps) {
  return (
    <Drawer
      open={event !== null}
      title={event ? event.action : 'Audit record'}
      description={event ? `Record #${event.id} · ${formatDateTime(event.time)}` : null}
      onClose={onClose}
    >
      {event ? (
        <div className="flex flex-col">
          <DrawerSection title="Record">
            <FactList
              facts={[
                { label: 'Outcome', value: <AuditOutcomeTag outcome={event.outcome} /> },
                { label: 'Action', value: event.action, mono: true },
                { label: 'Target', value: event.target ?? none, mono: event.target !== null },
                {
                  label: 'Host',
                  value: event.hostId ? (
                    <>
                      {hostName(event.hostId) ?? 'removed host'}
                      <span className="block font-mono text-xs text-muted">{event.hostId}</span>
                    </>
                  ) : (
                    none
                  ),
                },
                { label: 'HTTP status', value: event.status ?? none, mono: event.status !== null },
                { label: 'Time', value: formatDateTime(event.time) },
              ]}
            />
          </DrawerSection>
          <DrawerSection title="Actor">
            <FactList
              facts={[
                { label: 'Name', value: event.actor.name },
                { label: 'Kind', value: event.actor.type, mono: true },
                { label: 'ID', value: event.actor.id ?? none, mono: event.actor.id !== null },
                { label: 'IP address', value: event.ip || none, mono: true },
                { label: 'User agent', value: event.userAgent || none, mono: true },
                {
                  label: 'Request ID',
                  value: event.requestId ? (
                    <span className="select-all">{event.requestId}</span>
                  ) : (
                    none
                  ),
                  mono: true,
                },
              ]}
            />
          </DrawerSection>
          <DrawerSection title="Details">
            {event.details ? (
              <pre
                aria-label="Details as JSON"
                className="max-h-96 overflow-auto rounded-md border border-border bg-surface-2/60 p-3 font-mono text-xs leading-5 text-fg"
              >
                {JSON.stringify(event.details, null, 2)}
              </pre>
            ) : (
              <p className="text-sm text-muted">This record has no details.</p>
            )}
          </DrawerSection>
        </div>
      ) : null}
    </Drawer>
  );
}
