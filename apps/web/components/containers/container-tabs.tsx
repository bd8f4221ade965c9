'use client';

import { useRef, type KeyboardEvent } from 'react';
import { labelOf, type ContainerTab } from '@/lib/container-tab';

export const tabId = (tab: ContainerTab) => `container-tab-${tab}`;
export const panelId = (tab: ContainerTab) => `container-panel-${tab}`;

/** The detail page's tabs; arrow keys, Home and End move between them (WAI-ARIA tabs). */
export function ContainerTabs({
  tabs,
  current,
  onSelect,
}: {
  /** The tabs the user may open, in CONTAINER_TABS order. */
  tabs: readonly ContainerTab[];
  current: ContainerTab;
  onSelect: (tab: ContainerTab) => void;
}) {
  const list = useRef<HTMLDivElement>(null);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const index = tabs.indexOf(current);
    const last = tabs.length - 1;
    const next =
      event.key === 'ArrowRight'
        ? (index + 1) % tabs.length
        : event.key === 'ArrowLeft'
          ? (index + last) % tabs.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : null;
    if (next === null) return;
    event.preventDefault();
    const tab = tabs[next]!;
    onSelect(tab);
    list.current?.querySelector<HTMLElement>(`#${tabId(tab)}`)?.focus();
  }

  return (
    <div
      ref={list}
      role="tablist"
      aria-label="Container"
      onKeyDown={onKeyDown}
      className="flex gap-1 border-b border-border"
    >
      {tabs.map((tab) => {
        const selected = tab === current;
        return (
          <button
            key={tab}
            id={tabId(tab)}
            type="button"
            role="tab"
            aria-selected={selected}
            aria-controls={panelId(tab)}
            tabIndex={selected ? 0 : -1}
            onClick={() => onSelect(tab)}
            className={`-mb-px border-b-2 px-3 py-2 text-sm transition-colors ${
              selected
                ? 'border-accent font-medium text-fg'
                : 'border-transparent text-muted hover:text-fg'
            }`}
          >
            {labelOf(tab)}
          </button>
        );
      })}
    </div>
  );
}
