'use client';

import type { TServiceDetail, TSwarmTask } from '@berth/shared';
import { RefreshCw, RotateCcw, Trash2 } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { toastDone } from '@/lib/action-toasts';
import { useCan } from '@/lib/capabilities';
import { joinCommand } from '@/lib/container-form';
import { containerHref } from '@/lib/container-format';
import { fieldErrorsFromError } from '@/lib/field-errors';
import { formatDateTime } from '@/lib/format';
import { toUpdateConfig, type UpdateSettings } from '@/lib/service-form';
import {
  isSettling,
  isUpdating,
  useRemoveService,
  useRollbackService,
  useScaleService,
  useService,
  useServiceTasks,
  useSwarmHosts,
  useUpdateService,
} from '@/lib/swarm-queries';
import { Button } from '../ui/button';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { ErrorNotice } from '../ui/error-notice';
import { PageHeader } from '../ui/page-header';
import { Panel } from '../ui/panel';
import { SectionTabs } from '../ui/section-tabs';
import { Skeleton } from '../ui/skeleton';
import { NoValue, Table, Td, Th } from '../ui/table';
import { TextField } from '../ui/text-field';
import { UpdateConfigFields } from './service-form';
import { portsText, ReplicasBar, serviceHref, UpdateStatusText } from './service-format';
import { ServiceLogs } from './service-logs';
import { ServiceWebhooksPanel } from './service-webhooks-panel';

export type ServiceTab = 'overview' | 'logs';

/** `/services/<host>/<id>`: a service, its tasks, and the changes the user may make. */
export function ServiceDetailView({
  hostId,
  id,
  tab,
}: {
  hostId: string;
  id: string;
  tab: ServiceTab;
}) {
  const service = useService(hostId, id);

  return (
    <>
      <Link
        href="/services"
        className="mb-3 inline-flex items-center gap-1 text-xs text-muted hover:text-fg"
      >
        ← Services
      </Link>
      {service.isPending ? <Skeleton className="h-64" /> : null}
      {service.isError ? (
        <>
          <PageHeader title="Service" />
          <ErrorNotice error={service.error} onRetry={() => void service.refetch()} />
        </>
      ) : null}
      {service.data ? <ServiceDetail service={service.data} tab={tab} /> : null}
    </>
  );
}

function ServiceDetail({ service, tab }: { service: TServiceDetail; tab: ServiceTab }) {
  const { hostId, id } = service;
  const busy = isSettling(service);
  const router = useRouter();
  const mayManage = useCan(hostId, 'swarm.manage');
  const [removing, setRemoving] = useState(false);
  const remove = useRemoveService(hostId);
  const rollback = useRollbackService(hostId, id);
  const force = useUpdateService(hostId, id);
  const failure = rollback.error ?? force.error;

  return (
    <>
      <PageHeader
        title={service.name}
        description={
          <span>
            {service.mode} service on {service.hostName}
            {service.stack ? ` · stack ${service.stack}` : ''}
          </span>
        }
        actions={
          mayManage ? (
            <>
              <Button
                disabled={force.isPending}
                onClick={() =>
                  force.mutate(
                    { force: true },
                    { onSuccess: () => toastDone(`Redeploying ${service.name}`) },
                  )
                }
                title="Replace every task although nothing changed"
              >
                <RefreshCw aria-hidden />
                Force update
              </Button>
              {service.previousSpec ? (
                <Button
                  disabled={rollback.isPending}
                  onClick={() =>
                    rollback.mutate(undefined, {
                      onSuccess: () => toastDone(`Rolling ${service.name} back`),
                    })
                  }
                  title="Return to the spec before the last update"
                >
                  <RotateCcw aria-hidden />
                  Roll back
                </Button>
              ) : null}
              <Button variant="danger" onClick={() => setRemoving(true)}>
                <Trash2 aria-hidden />
                Remove
              </Button>
            </>
          ) : null
        }
      />
      <div className="flex flex-col gap-5">
        {failure ? <ErrorNotice error={failure} /> : null}
        <SectionTabs
          label="Service"
          tabs={[
            { href: serviceHref(hostId, id), label: 'Overview' },
            { href: serviceHref(hostId, id, 'logs'), label: 'Logs' },
          ]}
          isCurrent={(href) => href.endsWith('?tab=logs') === (tab === 'logs')}
        />
        {tab === 'logs' ? (
          <ServiceLogs hostId={hostId} serviceId={id} />
        ) : (
          <>
            <div className="grid gap-5 lg:grid-cols-2">
              <ServiceFacts service={service} />
              {mayManage ? (
                <div className="flex flex-col gap-5">
                  {service.mode === 'replicated' ? <ScalePanel service={service} /> : null}
                  <UpdateImagePanel service={service} />
                </div>
              ) : null}
            </div>
            <ServiceTasks service={service} busy={busy} />
            {mayManage ? <ServiceWebhooksPanel hostId={hostId} service={id} /> : null}
          </>
        )}
      </div>
      <ConfirmDialog
        open={removing}
        title={`Remove service ${service.name}?`}
        confirmLabel="Remove service"
        pending={remove.isPending}
        error={remove.error}
        onClose={() => {
          remove.reset();
          setRemoving(false);
        }}
        onConfirm={() =>
          remove.mutate(id, {
            onSuccess: () => {
              toastDone(`Removed ${service.name}`);
              router.push('/services');
            },
          })
        }
      >
        The service and every one of its tasks are removed from the swarm.
      </ConfirmDialog>
    </>
  );
}

function ServiceFacts({ service }: { service: TServiceDetail }) {
  const secretEnv = service.env.filter((variable) => variable.secret).length;
  return (
    <Panel title="Overview">
      <dl
        className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1.5 text-sm"
        aria-label="Service facts"
      >
        <dt className="text-muted">ID</dt>
        <dd className="truncate font-mono text-xs">{service.id}</dd>
        <dt className="text-muted">Image</dt>
        <dd className="font-mono text-xs break-all" data-testid="service-image">
          {service.image}
        </dd>
        <dt className="text-muted">Replicas</dt>
        <dd>
          <ReplicasBar replicas={service.replicas} />
        </dd>
        <dt className="text-muted">Update</dt>
        <dd>
          <UpdateStatusText status={service.updateStatus} />
          {service.updateStatus?.message ? (
            <span className="ml-2 text-xs text-muted">{service.updateStatus.message}</span>
          ) : null}
        </dd>
        <dt className="text-muted">Command</dt>
        <dd className="font-mono text-xs break-all">
          {service.command ? joinCommand(service.command) : <NoValue />}
        </dd>
        <dt className="text-muted">Ports</dt>
        <dd className="font-mono text-xs">{portsText(service.ports) || <NoValue />}</dd>
        <dt className="text-muted">Networks</dt>
        <dd className="text-xs">
          {service.networks.map((n) => n.name ?? n.id.slice(0, 12)).join(', ') || <NoValue />}
        </dd>
        <dt className="text-muted">Constraints</dt>
        <dd className="font-mono text-xs">{service.constraints.join(', ') || <NoValue />}</dd>
        <dt className="text-muted">Environment</dt>
        <dd className="text-xs">
          {service.env.length === 0 ? (
            <NoValue />
          ) : (
            <ul className="flex flex-col gap-0.5 font-mono">
              {service.env.map((variable) => (
                <li key={variable.name} className="break-all">
                  {variable.name}={variable.value}
                </li>
              ))}
            </ul>
          )}
          {secretEnv > 0 ? (
            <span className="text-muted">
              {secretEnv} secret value{secretEnv === 1 ? '' : 's'} masked
            </span>
          ) : null}
        </dd>
        <dt className="text-muted">Updated</dt>
        <dd>{formatDateTime(service.updatedAt)}</dd>
      </dl>
    </Panel>
  );
}

function ScalePanel({ service }: { service: TServiceDetail }) {
  const [replicas, setReplicas] = useState(String(service.replicas.desired));
  const scale = useScaleService(service.hostId, service.id);
  const error = fieldErrorsFromError(scale.error).replicas;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    scale.mutate(Number(replicas), {
      onSuccess: () => toastDone(`Scaling ${service.name} to ${replicas}`),
    });
  }

  return (
    <Panel title="Scale">
      <form onSubmit={onSubmit} aria-label="Scale" className="flex items-end gap-2" noValidate>
        <div className="w-32">
          <TextField
            label="Replicas"
            type="number"
            min={0}
            inputMode="numeric"
            value={replicas}
            onValueChange={setReplicas}
            error={error}
          />
        </div>
        <Button type="submit" variant="primary" disabled={scale.isPending}>
          {scale.isPending ? 'Applying…' : 'Apply'}
        </Button>
      </form>
      {scale.error && !error ? (
        <div className="pt-3">
          <ErrorNotice error={scale.error} />
        </div>
      ) : null}
    </Panel>
  );
}

/** A setting of the service's update config, by the engine's name or the API's. */
function setting(config: Record<string, unknown>, engineKey: string, apiKey: string): unknown {
  return config[engineKey] ?? config[apiKey];
}

/** A duration in seconds: the engine keeps nanoseconds, the API seconds. */
function seconds(config: Record<string, unknown>, engineKey: string, apiKey: string, or: number) {
  const value = Number(setting(config, engineKey, apiKey) ?? Number.NaN);
  if (!Number.isFinite(value)) return String(or);
  return String(config[engineKey] !== undefined ? value / 1e9 : value);
}

/** The update settings a service has now, as the update form starts with them. */
function updateSettingsOf(service: TServiceDetail): UpdateSettings {
  const config = service.updateConfig ?? {};
  const parallelism = Number(setting(config, 'Parallelism', 'parallelism') ?? 1);
  const ratio = Number(setting(config, 'MaxFailureRatio', 'maxFailureRatio') ?? 0);
  const order = setting(config, 'Order', 'order');
  const failure = setting(config, 'FailureAction', 'failureAction');
  return {
    parallelism: String(Number.isFinite(parallelism) ? parallelism : 1),
    delay: seconds(config, 'Delay', 'delaySeconds', 0),
    order: order === 'start-first' ? 'start-first' : 'stop-first',
    failureAction: failure === 'continue' || failure === 'rollback' ? failure : 'pause',
    monitor: seconds(config, 'Monitor', 'monitorSeconds', 5),
    maxFailureRatio: String(Number.isFinite(ratio) ? ratio : 0),
  };
}

/** A new image rolled out with the update settings given; the progress shows on the page. */
function UpdateImagePanel({ service }: { service: TServiceDetail }) {
  const [values, setValues] = useState(() => ({
    image: service.image.split('@')[0] ?? service.image,
    update: updateSettingsOf(service),
  }));
  const update = useUpdateService(service.hostId, service.id);
  const errors = fieldErrorsFromError(update.error);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    update.mutate(
      {
        image: values.image.trim(),
        updateConfig: toUpdateConfig(values.update),
      },
      { onSuccess: () => toastDone(`Updating ${service.name}`) },
    );
  }

  return (
    <Panel title="Update image">
      <form
        onSubmit={onSubmit}
        aria-label="Update image"
        className="flex flex-col gap-3"
        noValidate
      >
        <TextField
          label="Image"
          mono
          value={values.image}
          onValueChange={(image) => setValues({ ...values, image })}
          error={errors.image}
        />
        <UpdateConfigFields
          value={values.update}
          onChange={(update) => setValues({ ...values, update })}
          errors={errors}
          prefix="updateConfig"
        />
        {update.error && Object.keys(errors).length === 0 ? (
          <ErrorNotice error={update.error} />
        ) : null}
        <div className="flex justify-end">
          <Button type="submit" variant="primary" disabled={update.isPending}>
            {update.isPending ? 'Starting…' : 'Update'}
          </Button>
        </div>
      </form>
    </Panel>
  );
}

const TASK_TONE: Record<string, string> = {
  running: 'text-ok',
  failed: 'text-danger',
  rejected: 'text-danger',
  shutdown: 'text-muted',
  complete: 'text-muted',
};

/**
 * The tasks of the service, newest first; while a rolling update runs, how many of the tasks
 * wanted run the new image. A task's container links to its page when its node is a registered
 * host.
 */
function ServiceTasks({ service, busy }: { service: TServiceDetail; busy: boolean }) {
  const tasks = useServiceTasks(service.hostId, service.id, busy);
  const managers = useSwarmHosts();
  // The registered host of each node: managers by their swarm facts, workers by their 409.
  const hostOfNode = new Map([
    ...managers.workerHosts,
    ...managers.hosts.flatMap((host) =>
      host.swarm ? [[host.swarm.nodeId, host.hostId] as const] : [],
    ),
  ]);
  const wanted = (tasks.data ?? []).filter((task) => task.desiredState === 'running');
  const replaced = wanted.filter(
    (task) => task.image === service.image && task.state === 'running',
  ).length;

  return (
    <Panel
      title="Tasks"
      flush
      actions={
        isUpdating(service.updateStatus) ? (
          <span role="status" className="text-xs text-accent" data-testid="update-progress">
            {replaced} of {wanted.length} tasks run the new image
          </span>
        ) : null
      }
    >
      {tasks.isPending ? <Skeleton className="m-4 h-24" /> : null}
      {tasks.isError ? (
        <div className="p-4">
          <ErrorNotice error={tasks.error} onRetry={() => void tasks.refetch()} />
        </div>
      ) : null}
      {tasks.data ? (
        <Table label="Tasks">
          <thead>
            <tr>
              <Th>Task</Th>
              <Th>Node</Th>
              <Th>State</Th>
              <Th>Desired</Th>
              <Th>Image</Th>
              <Th>Error</Th>
              <Th>Container</Th>
            </tr>
          </thead>
          <tbody>
            {tasks.data.map((task) => (
              <TaskRow
                key={task.id}
                task={task}
                hostId={task.nodeId ? hostOfNode.get(task.nodeId) : undefined}
              />
            ))}
            {tasks.data.length === 0 ? (
              <tr>
                <Td colSpan={7} className="text-muted">
                  No task.
                </Td>
              </tr>
            ) : null}
          </tbody>
        </Table>
      ) : null}
    </Panel>
  );
}

function TaskRow({ task, hostId }: { task: TSwarmTask; hostId: string | undefined }) {
  return (
    <tr data-task-state={task.state} data-desired-state={task.desiredState}>
      <Td className="font-mono text-xs">
        {task.slot !== null ? `#${task.slot}` : task.id.slice(0, 10)}
        <span className="block text-muted" title={task.id}>
          {task.id.slice(0, 10)}
        </span>
      </Td>
      <Td className="text-xs">{task.nodeHostname ?? task.nodeId?.slice(0, 10) ?? <NoValue />}</Td>
      <Td className={`text-xs ${TASK_TONE[task.state] ?? 'text-warn'}`}>{task.state}</Td>
      <Td className="text-xs">{task.desiredState}</Td>
      <Td className="max-w-48 truncate font-mono text-xs" title={task.image}>
        {task.image.split('@')[0]}
      </Td>
      <Td className="text-xs text-danger">{task.error ?? ''}</Td>
      <Td className="font-mono text-xs">
        {task.containerId ? (
          hostId ? (
            <Link
              className="text-accent hover:underline"
              href={containerHref(hostId, task.containerId)}
            >
              {task.containerId.slice(0, 12)}
            </Link>
          ) : (
            task.containerId.slice(0, 12)
          )
        ) : (
          <NoValue />
        )}
      </Td>
    </tr>
  );
}
