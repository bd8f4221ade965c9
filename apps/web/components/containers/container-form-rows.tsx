'use client';

import { Eye, EyeOff } from 'lucide-react';
import { useId, useState } from 'react';
import {
  newEnvRow,
  newMountRow,
  newNetworkRow,
  newPairRow,
  newPortRow,
  type EnvRow,
  type MountRow,
  type NetworkRow,
  type PairRow,
  type PortRow,
  type Protocol,
} from '@/lib/container-form';
import { errorAt, type FieldErrors } from '@/lib/field-errors';
import { Button } from '../ui/button';
import { CellCheckbox, CellInput, CellSelect, RowList } from './form-rows';

interface RowsProps<Row> {
  rows: readonly Row[];
  onChange: (rows: Row[]) => void;
  errors: FieldErrors;
}

function update<Row>(rows: readonly Row[], index: number, patch: Partial<Row>): Row[] {
  return rows.map((row, i) => (i === index ? { ...row, ...patch } : row));
}

const without = <Row,>(rows: readonly Row[], index: number) => rows.filter((_, i) => i !== index);

export function EnvRows({ rows, onChange, errors }: RowsProps<EnvRow>) {
  return (
    <RowList
      noun="Variable"
      rows={rows}
      columns={[
        { label: 'Name', className: 'w-56 shrink-0' },
        { label: 'Value', className: 'flex-1' },
        { label: 'Secret', className: 'w-20 shrink-0' },
      ]}
      addLabel="Add variable"
      empty="No variables besides the image's own."
      onAdd={() => onChange([...rows, newEnvRow()])}
      onRemove={(index) => onChange(without(rows, index))}
      error={errors.env}
      renderRow={(row, index, label) => (
        <>
          <CellInput
            label={label('name')}
            mono
            className="w-full md:w-56 md:shrink-0"
            placeholder="NAME"
            autoComplete="off"
            spellCheck={false}
            value={row.name}
            onValueChange={(name) => onChange(update(rows, index, { name }))}
            error={errorAt(errors, `env.${index}.name`)}
          />
          <EnvValue
            row={row}
            label={label('value')}
            onValueChange={(value) => onChange(update(rows, index, { value }))}
            error={errorAt(errors, `env.${index}.value`)}
          />
          <CellCheckbox
            label="Secret"
            className="w-20 shrink-0"
            checked={row.secret}
            onCheckedChange={(secret) => onChange(update(rows, index, { secret }))}
          />
        </>
      )}
    />
  );
}

/** A secret's value is masked while typing (and in every API answer afterwards). */
function EnvValue({
  row,
  label,
  onValueChange,
  error,
}: {
  row: EnvRow;
  label: string;
  onValueChange: (value: string) => void;
  error: string | undefined;
}) {
  const [shown, setShown] = useState(false);
  const masked = row.secret && !shown;
  return (
    <div className="flex min-w-0 flex-1 gap-1">
      <CellInput
        label={label}
        mono
        className="flex-1"
        type={masked ? 'password' : 'text'}
        autoComplete={row.secret ? 'new-password' : 'off'}
        spellCheck={false}
        placeholder={row.secret ? 'secret value' : 'value'}
        value={row.value}
        onValueChange={onValueChange}
        error={error}
      />
      {row.secret ? (
        <Button
          variant="ghost"
          size="sm"
          className="mt-0.5 w-8 shrink-0 px-0"
          aria-label={shown ? 'Hide value' : 'Show value'}
          aria-pressed={shown}
          onClick={() => setShown(!shown)}
        >
          {shown ? <EyeOff aria-hidden /> : <Eye aria-hidden />}
        </Button>
      ) : null}
    </div>
  );
}

const PROTOCOLS: readonly Protocol[] = ['tcp', 'udp', 'sctp'];

export function PortRows({ rows, onChange, errors }: RowsProps<PortRow>) {
  return (
    <RowList
      noun="Port"
      rows={rows}
      columns={[
        { label: 'Host IP', className: 'w-40 shrink-0' },
        { label: 'Host port', className: 'w-28 shrink-0' },
        { label: 'Container port', className: 'w-32 shrink-0' },
        { label: 'Protocol', className: 'w-24 shrink-0' },
      ]}
      addLabel="Add port"
      empty="No published ports."
      onAdd={() => onChange([...rows, newPortRow()])}
      onRemove={(index) => onChange(without(rows, index))}
      error={errors.ports}
      renderRow={(row, index, label) => (
        <>
          <CellInput
            label={label('host IP')}
            mono
            className="w-full md:w-40 md:shrink-0"
            placeholder="all addresses"
            value={row.hostIp}
            onValueChange={(hostIp) => onChange(update(rows, index, { hostIp }))}
            error={errorAt(errors, `ports.${index}.hostIp`)}
          />
          <CellInput
            label={label('host port')}
            mono
            inputMode="numeric"
            className="w-28 shrink-0"
            placeholder="any"
            value={row.hostPort}
            onValueChange={(hostPort) => onChange(update(rows, index, { hostPort }))}
            error={errorAt(errors, `ports.${index}.hostPort`)}
          />
          <CellInput
            label={label('container port')}
            mono
            inputMode="numeric"
            className="w-32 shrink-0"
            placeholder="80"
            value={row.containerPort}
            onValueChange={(containerPort) => onChange(update(rows, index, { containerPort }))}
            error={errorAt(errors, `ports.${index}.containerPort`)}
          />
          <CellSelect
            label={label('protocol')}
            className="w-24 shrink-0"
            options={PROTOCOLS}
            value={row.protocol}
            onValueChange={(protocol) =>
              onChange(update(rows, index, { protocol: protocol as Protocol }))
            }
            error={errorAt(errors, `ports.${index}.protocol`)}
          />
        </>
      )}
    />
  );
}

/** Names to offer in a row's name field (the host's volumes or networks); others may be typed. */
interface ChoicesProps {
  choices: readonly string[];
}

/** The suggestions of one name field, by the id its input's `list` names. */
function NameChoices({ id, choices }: { id: string; choices: readonly string[] }) {
  return (
    <datalist id={id}>
      {choices.map((name) => (
        <option key={name} value={name} />
      ))}
    </datalist>
  );
}

export function MountRows({ rows, onChange, errors, choices }: RowsProps<MountRow> & ChoicesProps) {
  const listId = `${useId()}-volumes`;
  return (
    <>
      <NameChoices id={listId} choices={choices} />
      <RowList
        noun="Mount"
        rows={rows}
        columns={[
          { label: 'Type', className: 'w-28 shrink-0' },
          { label: 'Volume name or host path', className: 'flex-1' },
          { label: 'Path in the container', className: 'flex-1' },
          { label: 'Read-only', className: 'w-24 shrink-0' },
        ]}
        addLabel="Add volume or bind"
        empty="No volumes or binds."
        onAdd={() => onChange([...rows, newMountRow()])}
        onRemove={(index) => onChange(without(rows, index))}
        error={errors.volumes}
        renderRow={(row, index, label) => (
          <>
            <CellSelect
              label={label('type')}
              className="w-28 shrink-0"
              options={['volume', 'bind']}
              value={row.type}
              onValueChange={(type) =>
                onChange(update(rows, index, { type: type === 'bind' ? 'bind' : 'volume' }))
              }
              error={errorAt(errors, `volumes.${index}.type`)}
            />
            <CellInput
              label={label('source')}
              mono
              className="min-w-40 flex-1"
              placeholder={row.type === 'bind' ? '/srv/data' : 'empty: an anonymous volume'}
              list={row.type === 'volume' ? listId : undefined}
              value={row.source}
              onValueChange={(source) => onChange(update(rows, index, { source }))}
              error={errorAt(errors, `volumes.${index}.source`)}
            />
            <CellInput
              label={label('target')}
              mono
              className="min-w-40 flex-1"
              placeholder="/data"
              value={row.target}
              onValueChange={(target) => onChange(update(rows, index, { target }))}
              error={errorAt(errors, `volumes.${index}.target`)}
            />
            <CellCheckbox
              label="Read-only"
              className="w-24 shrink-0"
              checked={row.readOnly}
              onCheckedChange={(readOnly) => onChange(update(rows, index, { readOnly }))}
            />
          </>
        )}
      />
    </>
  );
}

export function NetworkRows({
  rows,
  onChange,
  errors,
  choices,
}: RowsProps<NetworkRow> & ChoicesProps) {
  const listId = `${useId()}-networks`;
  return (
    <>
      <NameChoices id={listId} choices={choices} />
      <RowList
        noun="Network"
        rows={rows}
        columns={[
          { label: 'Network', className: 'w-48 shrink-0' },
          { label: 'Aliases (comma-separated)', className: 'flex-1' },
          { label: 'Static IPv4', className: 'w-40 shrink-0' },
        ]}
        addLabel="Add network"
        empty="The default bridge network."
        onAdd={() => onChange([...rows, newNetworkRow()])}
        onRemove={(index) => onChange(without(rows, index))}
        error={errors.networks}
        renderRow={(row, index, label) => (
          <>
            <CellInput
              label={label('name')}
              mono
              className="w-full md:w-48 md:shrink-0"
              placeholder="bridge"
              list={listId}
              value={row.name}
              onValueChange={(name) => onChange(update(rows, index, { name }))}
              error={errorAt(errors, `networks.${index}.name`)}
            />
            <CellInput
              label={label('aliases')}
              mono
              className="min-w-40 flex-1"
              placeholder="api, api.internal"
              value={row.aliases}
              onValueChange={(aliases) => onChange(update(rows, index, { aliases }))}
              error={errorAt(errors, `networks.${index}.aliases`)}
            />
            <CellInput
              label={label('static IPv4 address')}
              mono
              className="w-40 shrink-0"
              placeholder="172.20.0.5"
              value={row.ipv4Address}
              onValueChange={(ipv4Address) => onChange(update(rows, index, { ipv4Address }))}
              error={errorAt(errors, `networks.${index}.ipv4Address`)}
            />
          </>
        )}
      />
    </>
  );
}

interface PairRowsProps extends RowsProps<PairRow> {
  noun: string;
  /** Where the map's entries are in the request (`labels`, `logDriver.options`). */
  path: string;
  addLabel: string;
  empty: string;
}

/** Key/value rows for a map (labels, log options); errors are keyed by the entry's key. */
export function PairRows({ rows, onChange, errors, noun, path, addLabel, empty }: PairRowsProps) {
  return (
    <RowList
      noun={noun}
      rows={rows}
      columns={[
        { label: 'Key', className: 'w-64 shrink-0' },
        { label: 'Value', className: 'flex-1' },
      ]}
      addLabel={addLabel}
      empty={empty}
      onAdd={() => onChange([...rows, newPairRow()])}
      onRemove={(index) => onChange(without(rows, index))}
      renderRow={(row, index, label) => (
        <>
          <CellInput
            label={label('key')}
            mono
            className="w-full md:w-64 md:shrink-0"
            spellCheck={false}
            value={row.name}
            onValueChange={(name) => onChange(update(rows, index, { name }))}
            error={errors[`${path}.${row.name.trim()}`]}
          />
          <CellInput
            label={label('value')}
            mono
            className="min-w-40 flex-1"
            spellCheck={false}
            value={row.value}
            onValueChange={(value) => onChange(update(rows, index, { value }))}
          />
        </>
      )}
    />
  );
}
