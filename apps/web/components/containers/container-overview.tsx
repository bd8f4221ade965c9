'use client';

import { BERTH_LABELS, SECRET_MASK, type TContainerInspect } from '@berth/shared';
import { Braces, LayoutList, Lock } from 'lucide-react';
import { useState } from 'react';
import { joinCommand } from '@/lib/container-form';
import { formatSeconds, shortId } from '@/lib/container-format';
import type { InspectView } from '@/lib/container-inspect';
import { formatBytes, formatDateTime } from '@/lib/format';
import { useUserNames } from '@/lib/user-names';
import { FactList } from '../hosts/fact-list';
import { RelativeTime } from '../hosts/relative-time';
import { Button } from '../ui/button';
import { Panel } from '../ui/panel';
import { NoValue, Table, Td, Th } from '../ui/table';
import { ContainerChanges } from './container-changes';
import { ContainerProcesses } from './container-processes';
import { cpuLimit, readResources } from './resource-form';

interface ContainerOverviewProps {
  hostId: string;
  view: InspectView;
  raw: TContainerInspect;
}

/** The inspect answer, formatted (with processes and filesystem changes), or as raw JSON. */
export function ContainerOverview({ hostId, view, raw }: ContainerOverviewProps) {
  const [showRaw, setShowRaw] = useState(false);
  return (
    <div className="flex flex-col gap-5">
      <div className="flex justify-end">
        <Button size="sm" aria-pressed={showRaw} onClick={() => setShowRaw(!showRaw)}>
          {showRaw ? <LayoutList aria-hidden /> : <Braces aria-hidden />}
          {showRaw ? 'Formatted' : 'Raw JSON'}
        </Button>
      </div>
      {showRaw ? (
        <Panel title="Inspect (JSON)" flush>
          <pre
            aria-label="Inspect JSON"
            tabIndex={0}
            className="max-h-[70vh] overflow-auto p-4 font-mono text-xs leading-5 text-fg"
          >
            {JSON.stringify(raw, null, 2)}
          </pre>
        </Panel>
      ) : (
        <Formatted hostId={hostId} view={view} raw={raw} />
      )}
    </div>
  );
}

function Formatted({ hostId, view, raw }: ContainerOverviewProps) {
  const ownerName = useUserNames([view.labels[BERTH_LABELS.owner] ?? '']);
  const state = view.state;
  const resources = readResources(raw);
  const cpus = cpuLimit(resources);
  return (
    <>
      <div className="grid gap-5 lg:grid-cols-2">
        <Panel title="State">
          <FactList
            facts={[
              { label: 'Status', value: state.status || <NoValue /> },
              ...(state.health ? [{ label: 'Health', value: state.health }] : []),
              {
                label: state.running ? 'Started' : 'Finished',
                value: (
                  <RelativeTime
                    iso={state.running ? state.startedAt : state.finishedAt}
                    fallback="never"
                  />
                ),
              },
              ...(state.running
                ? [{ label: 'PID', value: String(state.pid), mono: true }]
                : [{ label: 'Exit code', value: String(state.exitCode), mono: true }]),
              { label: 'Restarts', value: String(view.restartCount) },
              ...(state.oomKilled ? [{ label: 'OOM', value: 'killed for lack of memory' }] : []),
              ...(state.error
                ? [{ label: 'Error', value: <span className="text-danger">{state.error}</span> }]
                : []),
              { label: 'Created', value: view.createdAt ? formatDateTime(view.createdAt) : '—' },
            ]}
          />
        </Panel>
        <Panel title="Configuration">
          <FactList
            facts={[
              { label: 'Image', value: view.image, mono: true },
              { label: 'Command', value: joinCommand(view.command) || '—', mono: true },
              { label: 'Working dir', value: view.workingDir || '—', mono: true },
              { label: 'User', value: view.user || 'the image’s (root unless set)', mono: true },
              {
                label: 'Restart',
                value:
                  view.restartPolicy.name && view.restartPolicy.name !== 'no'
                    ? `${view.restartPolicy.name}${view.restartPolicy.maximumRetryCount ? ` (max ${view.restartPolicy.maximumRetryCount})` : ''}`
                    : 'no',
              },
              {
                label: 'Limits',
                value:
                  [
                    cpus > 0 ? `${Number(cpus.toFixed(3))} CPU` : null,
                    resources.cpuShares > 0 ? `${resources.cpuShares} CPU shares` : null,
                    view.memory > 0 ? `${formatBytes(view.memory)} memory` : null,
                  ]
                    .filter(Boolean)
                    .join(' · ') || 'none',
              },
              {
                label: 'Healthcheck',
                value: view.healthcheck ? healthcheckText(view.healthcheck) : 'none',
                mono: Boolean(view.healthcheck),
              },
              { label: 'Log driver', value: view.logDriver.name || 'default', mono: true },
              { label: 'Terminal', value: view.tty ? 'TTY' : view.openStdin ? 'stdin open' : 'no' },
              { label: 'ID', value: view.id, mono: true },
            ]}
          />
        </Panel>
      </div>

      <Panel title="Ports" flush={view.ports.length > 0}>
        {view.ports.length > 0 ? (
          <Table label="Port map">
            <thead>
              <tr>
                <Th>Container port</Th>
                <Th>Host address</Th>
                <Th>Host port</Th>
              </tr>
            </thead>
            <tbody>
              {view.ports.map((port, index) => (
                <tr key={index}>
                  <Td className="font-mono text-xs">
                    {port.containerPort}/{port.protocol}
                  </Td>
                  <Td className="font-mono text-xs">
                    {port.hostIp || (port.hostPort ? 'all' : '—')}
                  </Td>
                  <Td className="font-mono text-xs">
                    {port.hostPort ?? <span className="text-muted">not published</span>}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        ) : (
          <p className="text-sm text-muted">No ports exposed or published.</p>
        )}
      </Panel>

      <div className="grid gap-5 lg:grid-cols-2">
        <Panel title="Mounts" flush={view.mounts.length > 0}>
          {view.mounts.length > 0 ? (
            <Table label="Mounts">
              <thead>
                <tr>
                  <Th>Type</Th>
                  <Th>Source</Th>
                  <Th>In the container</Th>
                  <Th>Mode</Th>
                </tr>
              </thead>
              <tbody>
                {view.mounts.map((mount) => (
                  <tr key={mount.destination}>
                    <Td className="text-xs">{mount.type}</Td>
                    <Td className="max-w-56 font-mono text-xs break-all">
                      {mount.type === 'volume' ? shortName(mount.name) : mount.source}
                    </Td>
                    <Td className="font-mono text-xs break-all">{mount.destination}</Td>
                    <Td className="text-xs">{mount.readOnly ? 'read-only' : 'read-write'}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          ) : (
            <p className="text-sm text-muted">No volumes or binds.</p>
          )}
        </Panel>
        <Panel title="Networks" flush={view.networks.length > 0}>
          {view.networks.length > 0 ? (
            <Table label="Networks">
              <thead>
                <tr>
                  <Th>Network</Th>
                  <Th>Address</Th>
                  <Th>Aliases</Th>
                </tr>
              </thead>
              <tbody>
                {view.networks.map((network) => (
                  <tr key={network.name}>
                    <Td className="font-mono text-xs">{network.name}</Td>
                    <Td className="font-mono text-xs">{network.ipAddress || <NoValue />}</Td>
                    <Td className="font-mono text-xs break-all">
                      {network.aliases.join(', ') || <NoValue />}
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          ) : (
            <p className="text-sm text-muted">
              Network mode <span className="font-mono">{view.networkMode || 'none'}</span>.
            </p>
          )}
        </Panel>
      </div>

      <div className="grid gap-5 lg:grid-cols-2">
        <Panel title="Environment">
          {view.env.length > 0 ? (
            <dl className="flex flex-col gap-1 font-mono text-xs">
              {view.env.map((env) => (
                <div key={env.name} className="flex min-w-0 gap-1">
                  <dt className="shrink-0 text-muted">{env.name}=</dt>
                  <dd className="min-w-0 break-all text-fg">
                    {env.secret || env.value === SECRET_MASK ? (
                      <span className="inline-flex items-center gap-1 text-muted">
                        <Lock aria-hidden className="size-3" />
                        secret
                      </span>
                    ) : (
                      env.value
                    )}
                  </dd>
                </div>
              ))}
            </dl>
          ) : (
            <p className="text-sm text-muted">No variables.</p>
          )}
        </Panel>
        <Panel title="Labels">
          {Object.keys(view.labels).length > 0 ? (
            <dl className="flex flex-col gap-1 font-mono text-xs">
              {Object.entries(view.labels).map(([key, value]) => (
                <div key={key} className="flex min-w-0 gap-1">
                  <dt className="shrink-0 text-muted">{key}=</dt>
                  <dd className="min-w-0 break-all text-fg">
                    {value}
                    {key === BERTH_LABELS.owner && ownerName.get(value) ? (
                      <span className="ml-2 font-sans text-muted">({ownerName.get(value)})</span>
                    ) : null}
                  </dd>
                </div>
              ))}
            </dl>
          ) : (
            <p className="text-sm text-muted">No labels.</p>
          )}
        </Panel>
      </div>

      <ContainerProcesses hostId={hostId} id={view.id} running={state.running && !state.paused} />
      <ContainerChanges hostId={hostId} id={view.id} />
    </>
  );
}

/** An anonymous volume's name is a 64-hex id; the start of it is enough to tell them apart. */
function shortName(name: string): string {
  return /^[0-9a-f]{64}$/.test(name) ? `${shortId(name)}… (anonymous)` : name;
}

function healthcheckText(check: NonNullable<InspectView['healthcheck']>): string {
  const [kind, ...rest] = check.test;
  const command = kind === 'CMD-SHELL' ? (rest[0] ?? '') : joinCommand(rest);
  const every = check.intervalSeconds ? ` every ${formatSeconds(check.intervalSeconds)}` : '';
  return kind === 'NONE' ? 'disabled' : `${command}${every}`;
}
