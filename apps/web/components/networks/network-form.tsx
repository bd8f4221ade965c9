'use client';

import {
  IPVLAN_MODES,
  MACVLAN_MODES,
  NETWORK_DRIVERS,
  type TCreateNetworkInput,
  type TCreateNetworkRequest,
  type TCreateNetworkResponse,
  type TNetworkDriver,
  ZCreateNetworkRequest,
} from '@berth/shared';
import { requestResolver } from '@/lib/form-errors';
import { parseKeyValues, recordError } from '@/lib/key-values';
import { useCreateNetwork } from '@/lib/network-queries';
import { CheckboxField } from '../ui/checkbox-field';
import {
  InventoryCreateFormPanel,
  useInventoryCreateForm,
  withHostCheck,
} from '../ui/inventory-create-form';
import { KeyValueField } from '../ui/key-value-field';
import { SelectField } from '../ui/select-field';
import { TextField } from '../ui/text-field';

/** The form as typed; options and labels as `key=value` lines. */
interface NetworkFormValues {
  hostId: string;
  name: string;
  driver: TNetworkDriver;
  parent: string;
  mode: string;
  subnet: string;
  gateway: string;
  ipRange: string;
  internal: boolean;
  attachable: boolean;
  ipv6: boolean;
  options: string;
  labels: string;
}

const DRIVER_HINTS: Record<TNetworkDriver, string> = {
  bridge: 'Containers on this host talk to each other through a private bridge',
  overlay: 'Spans the hosts of a swarm; only on a swarm manager',
  macvlan: 'Each container gets its own MAC address on the parent interface',
  ipvlan: 'Containers share the parent interface’s MAC address',
};

const optional = (value: string) => (value.trim() ? value.trim() : undefined);

/** Only the fields the chosen driver has go into the request. */
function toRequest(values: NetworkFormValues): TCreateNetworkInput {
  const onParent = values.driver === 'macvlan' || values.driver === 'ipvlan';
  return {
    name: values.name.trim(),
    driver: values.driver,
    ...(onParent ? { parent: optional(values.parent), mode: optional(values.mode) } : {}),
    subnet: optional(values.subnet),
    gateway: optional(values.gateway),
    ipRange: optional(values.ipRange),
    internal: values.internal,
    attachable: values.driver === 'overlay' && values.attachable,
    ipv6: values.ipv6,
    options: parseKeyValues(values.options),
    labels: parseKeyValues(values.labels),
  };
}

const resolver = withHostCheck(requestResolver(ZCreateNetworkRequest, toRequest));

export function NetworkForm({ hostId, onDone }: { hostId: string; onDone: () => void }) {
  const state = useInventoryCreateForm<
    NetworkFormValues,
    TCreateNetworkRequest,
    TCreateNetworkResponse
  >({
    defaultValues: {
      hostId,
      name: '',
      driver: 'bridge',
      parent: '',
      mode: '',
      subnet: '',
      gateway: '',
      ipRange: '',
      internal: false,
      attachable: false,
      ipv6: false,
      options: '',
      labels: '',
    },
    resolver,
    useCreate: useCreateNetwork,
  });
  const { values, errors, set } = state;
  const onParent = values.driver === 'macvlan' || values.driver === 'ipvlan';
  const modes = values.driver === 'macvlan' ? MACVLAN_MODES : IPVLAN_MODES;

  return (
    <InventoryCreateFormPanel
      what="network"
      permission="network.create"
      namePlaceholder="backend"
      state={state}
      hrefOf={(host, made) => `/networks/${host}/${made.id}`}
      onDone={onDone}
      beside={
        <>
          <SelectField
            label="Driver"
            value={values.driver}
            onValueChange={(value) => set('driver', value as TNetworkDriver)}
            error={errors.driver}
            hint={DRIVER_HINTS[values.driver]}
          >
            {NETWORK_DRIVERS.map((driver) => (
              <option key={driver} value={driver}>
                {driver}
              </option>
            ))}
          </SelectField>
          {onParent ? (
            <>
              <TextField
                label="Parent interface"
                mono
                value={values.parent}
                onValueChange={(value) => set('parent', value)}
                error={errors.parent}
                placeholder="eth0"
                hint="The host interface the network sits on (eth0.10 for a VLAN)"
              />
              <SelectField
                label="Mode"
                value={values.mode}
                onValueChange={(value) => set('mode', value)}
                error={errors.mode}
              >
                <option value="">default</option>
                {modes.map((mode) => (
                  <option key={mode} value={mode}>
                    {mode}
                  </option>
                ))}
              </SelectField>
            </>
          ) : null}
        </>
      }
    >
      <div className="grid gap-3 md:grid-cols-3">
        <TextField
          label="Subnet"
          mono
          value={values.subnet}
          onValueChange={(value) => set('subnet', value)}
          error={errors.subnet}
          placeholder="172.30.0.0/24"
          hint="Left empty, the engine picks one"
        />
        <TextField
          label="Gateway"
          mono
          value={values.gateway}
          onValueChange={(value) => set('gateway', value)}
          error={errors.gateway}
          placeholder="172.30.0.1"
        />
        <TextField
          label="IP range"
          mono
          value={values.ipRange}
          onValueChange={(value) => set('ipRange', value)}
          error={errors.ipRange}
          placeholder="172.30.0.128/25"
          hint="Addresses handed to containers"
        />
      </div>
      <div className="flex flex-wrap gap-6">
        <CheckboxField
          label="Internal"
          checked={values.internal}
          onCheckedChange={(checked) => set('internal', checked)}
          hint="No route out of the network"
        />
        <CheckboxField
          label="IPv6"
          checked={values.ipv6}
          onCheckedChange={(checked) => set('ipv6', checked)}
        />
        {values.driver === 'overlay' ? (
          <CheckboxField
            label="Attachable"
            checked={values.attachable}
            onCheckedChange={(checked) => set('attachable', checked)}
            hint="Standalone containers may join it too"
          />
        ) : null}
      </div>
      {errors.ipv6 || errors.attachable ? (
        <p className="text-xs text-danger">{errors.ipv6 ?? errors.attachable}</p>
      ) : null}
      <div className="grid gap-3 md:grid-cols-2">
        <KeyValueField
          label="Driver options"
          value={values.options}
          onValueChange={(value) => set('options', value)}
          error={recordError(errors, 'options')}
          placeholder="com.docker.network.bridge.enable_icc=false"
        />
        <KeyValueField
          label="Labels"
          value={values.labels}
          onValueChange={(value) => set('labels', value)}
          error={recordError(errors, 'labels')}
          placeholder="tier=backend"
        />
      </div>
    </InventoryCreateFormPanel>
  );
}
