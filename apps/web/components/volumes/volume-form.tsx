'use client';

import {
  LOCAL_VOLUME_TYPES,
  type TCreateVolumeInput,
  type TCreateVolumeRequest,
  type TCreateVolumeResponse,
  ZCreateVolumeRequest,
} from '@berth/shared';
import { requestResolver } from '@/lib/form-errors';
import { parseKeyValues, recordError } from '@/lib/key-values';
import { useCreateVolume } from '@/lib/volume-queries';
import {
  InventoryCreateFormPanel,
  useInventoryCreateForm,
  withHostCheck,
} from '../ui/inventory-create-form';
import { KeyValueField } from '../ui/key-value-field';
import { SelectField } from '../ui/select-field';
import { TextField } from '../ui/text-field';

/** What the local driver mounts: a plain folder, or tmpfs, NFS, CIFS. */
type LocalType = '' | (typeof LOCAL_VOLUME_TYPES)[number];

/** The form as typed: the local driver's options as fields, a plugin's as `key=value` lines. */
interface VolumeFormValues {
  hostId: string;
  name: string;
  driver: string;
  type: LocalType;
  o: string;
  device: string;
  driverOpts: string;
  labels: string;
}

const TYPE_HINTS: Record<LocalType, { device: string; o: string }> = {
  '': { device: '', o: '' },
  tmpfs: { device: 'tmpfs', o: 'size=64m,uid=1000' },
  nfs: { device: ':/export/data', o: 'addr=10.0.0.5,rw,nfsvers=4' },
  cifs: { device: '//10.0.0.5/share', o: 'addr=10.0.0.5,username=me,password=…' },
};

function toRequest(values: VolumeFormValues): TCreateVolumeInput {
  const driver = values.driver.trim() || 'local';
  const local =
    driver === 'local' && values.type
      ? {
          type: values.type,
          ...(values.device.trim() ? { device: values.device.trim() } : {}),
          ...(values.o.trim() ? { o: values.o.trim() } : {}),
        }
      : {};
  return {
    name: values.name.trim(),
    driver,
    driverOpts: driver === 'local' ? local : parseKeyValues(values.driverOpts),
    labels: parseKeyValues(values.labels),
  };
}

const resolver = withHostCheck(requestResolver(ZCreateVolumeRequest, toRequest));

export function VolumeForm({ hostId, onDone }: { hostId: string; onDone: () => void }) {
  const state = useInventoryCreateForm<
    VolumeFormValues,
    TCreateVolumeRequest,
    TCreateVolumeResponse
  >({
    defaultValues: {
      hostId,
      name: '',
      driver: 'local',
      type: '',
      o: '',
      device: '',
      driverOpts: '',
      labels: '',
    },
    resolver,
    useCreate: useCreateVolume,
  });
  const { values, errors, set } = state;
  const local = (values.driver.trim() || 'local') === 'local';
  const hints = TYPE_HINTS[values.type];

  return (
    <InventoryCreateFormPanel
      what="volume"
      permission="volume.create"
      namePlaceholder="app-data"
      state={state}
      hrefOf={(host, made) => `/volumes/${host}/${encodeURIComponent(made.name)}`}
      onDone={onDone}
      beside={
        <>
          <TextField
            label="Driver"
            mono
            value={values.driver}
            onValueChange={(value) => set('driver', value)}
            error={errors.driver}
            hint="local, or a volume plugin's driver"
          />
        </>
      }
    >
      {local ? (
        <div className="grid gap-3 md:grid-cols-3">
          <SelectField
            label="Type"
            value={values.type}
            onValueChange={(value) => set('type', value as LocalType)}
            error={errors['driverOpts.type']}
          >
            <option value="">a folder on the host</option>
            {LOCAL_VOLUME_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </SelectField>
          {values.type ? (
            <>
              <TextField
                label="Device"
                mono
                value={values.device}
                onValueChange={(value) => set('device', value)}
                error={errors['driverOpts.device']}
                placeholder={hints.device}
              />
              <TextField
                label="Mount options (o)"
                mono
                value={values.o}
                onValueChange={(value) => set('o', value)}
                error={errors['driverOpts.o']}
                placeholder={hints.o}
                hint={values.type === 'cifs' ? 'The password is never shown again' : undefined}
              />
            </>
          ) : null}
        </div>
      ) : (
        <KeyValueField
          label="Driver options"
          value={values.driverOpts}
          onValueChange={(value) => set('driverOpts', value)}
          error={recordError(errors, 'driverOpts')}
        />
      )}
      <KeyValueField
        label="Labels"
        value={values.labels}
        onValueChange={(value) => set('labels', value)}
        error={recordError(errors, 'labels')}
        placeholder="backup=daily"
      />
    </InventoryCreateFormPanel>
  );
}
