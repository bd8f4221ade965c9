'use client';

import type { TUnmanagedStack } from '@berth/shared';
import Link from 'next/link';
import { useCan } from '@/lib/capabilities';
import { useUnmanagedStacks } from '@/lib/stack-adoption-queries';
import { buttonClassName } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';
import { Panel } from '../ui/panel';

function AdoptLink({ project }: { project: TUnmanagedStack }) {
  const canDeploy = useCan(project.hostId, 'stack.deploy');
  if (!canDeploy) return null;
  const query = new URLSearchParams({ host: project.hostId, name: project.name });
  return (
    <Link
      href={`/stacks/adopt?${query.toString()}`}
      className={buttonClassName('secondary', 'sm')}
      aria-label={`Adopt ${project.name}`}
    >
      Adopt
    </Link>
  );
}

function Project({ project }: { project: TUnmanagedStack }) {
  return (
    <li
      aria-label={project.name}
      className="flex items-start justify-between gap-3 px-4 py-2.5 text-xs"
    >
      <div className="flex min-w-0 flex-col gap-1">
        <span className="font-medium text-fg">{project.name}</span>
        {project.configFiles.length > 0 ? (
          <span className="truncate font-mono text-muted" title={project.configFiles.join(', ')}>
            {project.configFiles.join(', ')}
          </span>
        ) : null}
        <ul className="flex flex-col gap-0.5">
          {project.services.map((service) => (
            <li key={service.name} className="truncate">
              <span className="font-medium text-fg">{service.name}</span>{' '}
              {service.containers.map((c) => (
                <Link
                  key={c.id}
                  href={`/containers/${project.hostId}/${c.id}`}
                  className="mr-2 font-mono text-accent hover:underline"
                >
                  {c.name} <span className="text-muted">({c.state})</span>
                </Link>
              ))}
            </li>
          ))}
        </ul>
      </div>
      <AdoptLink project={project} />
    </li>
  );
}

/**
 * Compose projects running on the hosts that Berth does not manage (made with `docker compose` on
 * the host), per host; each can be adopted by giving Berth its compose file.
 */
export function UnmanagedStacks({ hostNames }: { hostNames: ReadonlyMap<string, string> }) {
  const projects = useUnmanagedStacks();
  if (projects.isError) return <ErrorNotice error={projects.error} />;
  const items = projects.data?.items ?? [];
  if (items.length === 0) return null;
  const hosts = [...new Set(items.map((p) => p.hostId))];
  return (
    <Panel title="Not managed by Berth" flush>
      <p className="px-4 pt-3 text-xs text-muted">
        Compose projects started on the host with docker compose. Adopt one by giving Berth its
        compose file: what runs as the file says is kept, and Berth manages it from then on.
      </p>
      {hosts.map((hostId) => (
        <section key={hostId} aria-label={`Not managed on ${hostNames.get(hostId) ?? hostId}`}>
          <h3 className="px-4 pt-3 text-xs font-semibold text-muted">
            {hostNames.get(hostId) ?? hostId}
          </h3>
          <ul className="flex flex-col divide-y divide-border">
            {items
              .filter((p) => p.hostId === hostId)
              .map((project) => (
                <Project key={`${hostId}/${project.name}`} project={project} />
              ))}
          </ul>
        </section>
      ))}
    </Panel>
  );
}
