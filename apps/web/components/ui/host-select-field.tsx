'use client';

import type { Permission } from '@berth/shared';
import { useMemo } from 'react';
import { hostsWith, hostsWithShared, useCapabilities } from '@/lib/capabilities';
import { useFleetSummary } from '@/lib/container-queries';
import { SelectField } from './select-field';

interface HostSelectFieldProps {
  label: string;
  value: string;
  onValueChange: (hostId: string) => void;
  /** Only the hosts where the user holds this permission are offered. */
  permission: Permission;
  /** Offer only hosts where the permission reaches every object, as a change to what everyone there shares needs. */
  shared?: boolean;
  error?: string | undefined;
  /** The text of the empty choice (“All hosts” for a filter); none when absent. */
  anyLabel?: string;
}

/** A host picker over the hosts the user may do `permission` on, by name. */
export function HostSelectField({
  label,
  value,
  onValueChange,
  permission,
  shared = false,
  error,
  anyLabel,
}: HostSelectFieldProps) {
  const summary = useFleetSummary();
  const capabilities = useCapabilities().data;
  const hosts = useMemo(() => {
    const allowed = new Set((shared ? hostsWithShared : hostsWith)(capabilities, permission));
    return summary.data?.perHost.filter((host) => allowed.has(host.hostId)) ?? [];
  }, [summary.data, capabilities, permission, shared]);
  return (
    <SelectField label={label} value={value} onValueChange={onValueChange} error={error}>
      <option value="">{anyLabel ?? 'Choose a host'}</option>
      {hosts.map((host) => (
        <option key={host.hostId} value={host.hostId}>
          {host.name}
        </option>
      ))}
    </SelectField>
  );
}
