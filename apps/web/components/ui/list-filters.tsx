import type { THostSummary } from '@berth/shared';
import { Search } from 'lucide-react';
import { compactInputClassName } from '../containers/compact-input';
import { inputClassName } from './input-class-name';

/** The compact select of list toolbars. */
export const toolbarSelectClassName = `${compactInputClassName} h-8 py-0`;

interface SearchBoxProps {
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  /** The box lost focus: apply what was typed now. */
  onDone: () => void;
}

/** A list's search box, with its icon. */
export function SearchBox({ label, placeholder, value, onChange, onDone }: SearchBoxProps) {
  return (
    <div className="relative min-w-56 flex-1 sm:max-w-sm">
      <Search
        aria-hidden
        className="pointer-events-none absolute top-1/2 left-2.5 size-3.5 -translate-y-1/2 text-muted"
      />
      <input
        type="search"
        aria-label={label}
        placeholder={placeholder}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        onBlur={onDone}
        className={`${inputClassName} h-8 pl-8`}
      />
    </div>
  );
}

/** Every host or one: the hosts of the fleet summary, those not up marked with their status. */
export function HostFilter({
  value,
  onChange,
  hosts,
}: {
  value: string;
  onChange: (hostId: string) => void;
  hosts: readonly THostSummary[];
}) {
  return (
    <select
      aria-label="Host"
      value={value}
      onChange={(event) => onChange(event.target.value)}
      className={toolbarSelectClassName}
    >
      <option value="">All hosts</option>
      {hosts.map((host) => (
        <option key={host.hostId} value={host.hostId}>
          {host.name}
          {host.status === 'up' ? '' : ` (${host.status})`}
        </option>
      ))}
    </select>
  );
}
