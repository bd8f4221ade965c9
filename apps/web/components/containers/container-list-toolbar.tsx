'use client';

import { CONTAINER_SORTS, CONTAINER_STATES, type THostSummary } from '@berth/shared';
import { ArrowDownWideNarrow, ArrowUpNarrowWide } from 'lucide-react';
import type { ContainerListFilters } from '@/lib/container-list-filters';
import { Button } from '../ui/button';
import { HostFilter, SearchBox, toolbarSelectClassName } from '../ui/list-filters';

interface ContainerListToolbarProps {
  filters: ContainerListFilters;
  /** What is typed in the search box; it reaches the filters a moment later. */
  search: string;
  onSearch: (value: string) => void;
  /** The search box lost focus (a click elsewhere, Tab): apply what was typed now. */
  onSearchDone: () => void;
  onChange: (patch: Partial<ContainerListFilters>) => void;
  hosts: readonly THostSummary[];
}

const select = toolbarSelectClassName;

export function ContainerListToolbar({
  filters,
  search,
  onSearch,
  onSearchDone,
  onChange,
  hosts,
}: ContainerListToolbarProps) {
  return (
    <div className="flex flex-1 flex-wrap items-center gap-2">
      <SearchBox
        label="Search containers by name, image or label"
        placeholder="Name, image, label or key=value…  ( / )"
        value={search}
        onChange={onSearch}
        onDone={onSearchDone}
      />
      <HostFilter
        value={filters.hostId}
        onChange={(hostId) => onChange({ hostId })}
        hosts={hosts}
      />
      <select
        aria-label="State"
        value={filters.state}
        onChange={(event) => onChange({ state: event.target.value })}
        className={select}
      >
        <option value="">All states</option>
        {CONTAINER_STATES.map((state) => (
          <option key={state} value={state}>
            {state}
          </option>
        ))}
      </select>
      <div className="flex items-center gap-1">
        <select
          aria-label="Sort by"
          value={filters.sort}
          onChange={(event) =>
            onChange({ sort: event.target.value as ContainerListFilters['sort'] })
          }
          className={select}
        >
          {CONTAINER_SORTS.map((sort) => (
            <option key={sort} value={sort}>
              Sort: {sort}
            </option>
          ))}
        </select>
        <Button
          variant="ghost"
          size="sm"
          aria-label={
            filters.order === 'asc' ? 'Ascending; sort descending' : 'Descending; sort ascending'
          }
          title={filters.order === 'asc' ? 'Ascending' : 'Descending'}
          onClick={() => onChange({ order: filters.order === 'asc' ? 'desc' : 'asc' })}
        >
          {filters.order === 'asc' ? (
            <ArrowUpNarrowWide aria-hidden />
          ) : (
            <ArrowDownWideNarrow aria-hidden />
          )}
        </Button>
      </div>
    </div>
  );
}
