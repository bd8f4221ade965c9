'use client';

import {
  type TConnectNetworkInput,
  type TConnectNetworkRequest,
  type TNetworkDetail,
  ZConnectNetworkRequest,
} from '@berth/shared';
import { Unplug } from 'lucide-react';
import Link from 'next/link';
import { useRef } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { useCan } from '@/lib/capabilities';
import { formatDateTime } from '@/lib/format';
import {
  flattenErrors,
  focusFirstError,
  requestResolver,
  setServerErrors,
  submitForm,
} from '@/lib/form-errors';
import {
  useConnectNetwork,
  useDisconnectNetwork,
  useNetwork,
  useRemoveNetwork,
} from '@/lib/network-queries';
import { Button } from '../ui/button';
import { DetailLoader } from '../ui/detail-loader';
import { ErrorNotice } from '../ui/error-notice';
import { FormActions } from '../ui/form-actions';
import { Panel } from '../ui/panel';
import { RemovableDetail } from '../ui/removable-detail';
import { NoValue, Table, Td, Th } from '../ui/table';
import { TextField } from '../ui/text-field';
import { RecordTable } from './record-table';

export function NetworkDetailView({ hostId, id }: { hostId: string; id: string }) {
  return (
    <DetailLoader backHref="/networks" backLabel="Networks" query={useNetwork(hostId, id)}>
      {(network) => <NetworkDetail network={network} />}
    </DetailLoader>
  );
}

function NetworkDetail({ network }: { network: TNetworkDetail }) {
  const { hostId } = network;
  const mayConnect = useCan(hostId, 'network.connect');
  const mayRemove = useCan(hostId, 'network.delete') && !network.builtIn;
  const remove = useRemoveNetwork(hostId);
  const disconnect = useDisconnectNetwork(hostId, network.id);

  return (
    <RemovableDetail
      title={network.name}
      description={`${network.driver} network${network.builtIn ? ', built into the engine' : ''}`}
      what="network"
      listHref="/networks"
      mayRemove={mayRemove}
      remove={remove}
      target={network.id}
      warning="The network is removed from its host. The engine refuses while a container is on it."
    >
      <div className="grid gap-5 lg:grid-cols-2">
        <Panel title="Overview">
          <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1.5 text-sm">
            <dt className="text-muted">ID</dt>
            <dd className="truncate font-mono text-xs">{network.id}</dd>
            <dt className="text-muted">Driver</dt>
            <dd>{network.driver}</dd>
            <dt className="text-muted">Scope</dt>
            <dd>{network.scope}</dd>
            <dt className="text-muted">Internal</dt>
            <dd>{network.internal ? 'yes' : 'no'}</dd>
            <dt className="text-muted">IPv6</dt>
            <dd>{network.ipv6 ? 'yes' : 'no'}</dd>
            <dt className="text-muted">Attachable</dt>
            <dd>{network.attachable ? 'yes' : 'no'}</dd>
            <dt className="text-muted">Created</dt>
            <dd>{network.createdAt ? formatDateTime(network.createdAt) : <NoValue />}</dd>
          </dl>
        </Panel>
        <Panel title="IP addresses" flush={network.ipam.config.length > 0}>
          {network.ipam.config.length > 0 ? (
            <Table label="IPAM">
              <thead>
                <tr>
                  <Th>Subnet</Th>
                  <Th>Gateway</Th>
                  <Th>IP range</Th>
                </tr>
              </thead>
              <tbody>
                {network.ipam.config.map((c, index) => (
                  <tr key={index}>
                    <Td className="font-mono text-xs">{c.subnet ?? <NoValue />}</Td>
                    <Td className="font-mono text-xs">{c.gateway ?? <NoValue />}</Td>
                    <Td className="font-mono text-xs">{c.ipRange ?? <NoValue />}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          ) : (
            <p className="text-sm text-muted">
              No address management (driver {network.ipam.driver}).
            </p>
          )}
        </Panel>
        <RecordTable title="Driver options" record={network.options} />
        <RecordTable title="Labels" record={network.labels} />
      </div>
      <Panel title="Containers" flush={network.containers.length > 0}>
        {network.containers.length > 0 ? (
          <Table label="Containers on the network">
            <thead>
              <tr>
                <Th>Container</Th>
                <Th>IPv4</Th>
                <Th>IPv6</Th>
                <Th>MAC</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </thead>
            <tbody>
              {network.containers.map((c) => (
                <tr key={c.id}>
                  <Td>
                    <Link
                      href={`/containers/${hostId}/${c.id}`}
                      className="font-medium hover:underline"
                    >
                      {c.name}
                    </Link>
                  </Td>
                  <Td className="font-mono text-xs">{c.ipv4Address ?? <NoValue />}</Td>
                  <Td className="font-mono text-xs">{c.ipv6Address ?? <NoValue />}</Td>
                  <Td className="font-mono text-xs">{c.macAddress ?? <NoValue />}</Td>
                  <Td className="text-right">
                    {mayConnect ? (
                      <Button
                        size="sm"
                        variant="ghost"
                        aria-label={`Disconnect ${c.name}`}
                        disabled={disconnect.isPending}
                        onClick={() => disconnect.mutate({ container: c.id, force: false })}
                      >
                        <Unplug aria-hidden />
                      </Button>
                    ) : null}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        ) : (
          <p className="text-sm text-muted">No container is on this network.</p>
        )}
        {disconnect.error ? <ErrorNotice error={disconnect.error} /> : null}
      </Panel>
      {mayConnect && network.driver !== 'host' && network.driver !== 'null' ? (
        <ConnectForm network={network} />
      ) : null}
    </RemovableDetail>
  );
}

interface ConnectValues {
  container: string;
  aliases: string;
  ipv4Address: string;
  ipv6Address: string;
}

function toConnect(values: ConnectValues): TConnectNetworkInput {
  return {
    container: values.container.trim(),
    aliases: values.aliases
      .split(/[\s,]+/)
      .map((alias) => alias.trim())
      .filter(Boolean),
    ...(values.ipv4Address.trim() ? { ipv4Address: values.ipv4Address.trim() } : {}),
    ...(values.ipv6Address.trim() ? { ipv6Address: values.ipv6Address.trim() } : {}),
  };
}

const connectResolver = requestResolver(ZConnectNetworkRequest, toConnect);

function ConnectForm({ network }: { network: TNetworkDetail }) {
  const formRef = useRef<HTMLFormElement>(null);
  const connect = useConnectNetwork(network.hostId, network.id);
  const form = useForm<ConnectValues, unknown, TConnectNetworkRequest>({
    defaultValues: { container: '', aliases: '', ipv4Address: '', ipv6Address: '' },
    resolver: connectResolver,
    reValidateMode: 'onSubmit',
  });
  const values = useWatch({ control: form.control }) as ConnectValues;
  const errors = flattenErrors(form.formState.errors);
  const set = (key: keyof ConnectValues, value: string) =>
    form.setValue(key, value, { shouldDirty: true });

  return (
    <Panel title="Connect a container">
      <form
        ref={formRef}
        aria-label="Connect a container"
        noValidate
        className="flex flex-col gap-3"
        onSubmit={(event) =>
          submitForm(
            event,
            form,
            (request) =>
              connect.mutate(request, {
                onSuccess: () => form.reset(),
                onError: (error) => {
                  if (setServerErrors(form.setError, error)) focusFirstError(formRef.current);
                },
              }),
            () => connect.reset(),
          )
        }
      >
        <div className="grid gap-3 md:grid-cols-4">
          <TextField
            label="Container"
            mono
            value={values.container}
            onValueChange={(value) => set('container', value)}
            error={errors.container}
            placeholder="name or id"
          />
          <TextField
            label="Aliases"
            mono
            value={values.aliases}
            onValueChange={(value) => set('aliases', value)}
            error={
              errors.aliases ?? Object.entries(errors).find(([k]) => k.startsWith('aliases.'))?.[1]
            }
            placeholder="api, api.internal"
          />
          <TextField
            label="IPv4 address"
            mono
            value={values.ipv4Address}
            onValueChange={(value) => set('ipv4Address', value)}
            error={errors.ipv4Address}
            placeholder="optional"
          />
          <TextField
            label="IPv6 address"
            mono
            value={values.ipv6Address}
            onValueChange={(value) => set('ipv6Address', value)}
            error={errors.ipv6Address}
            placeholder="optional"
          />
        </div>
        <FormActions
          error={connect.error}
          pending={connect.isPending}
          submitLabel="Connect"
          pendingLabel="Connecting…"
        />
      </form>
    </Panel>
  );
}
