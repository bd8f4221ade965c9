'use client';

import { useRef, type KeyboardEvent } from 'react';

export const CONTAINER_TABS = ['overview', 'logs', 'console', 'stats'] as const;
export type ContainerTab = (typeof CONTAINER_TABS)[number];

export function isContainerTab(value: string): value is ContainerTab {
  return (CONTAINER_TABS as readonly string[]).includes(value);
}

function labelOf(tab: ContainerTab): string {
  switch (tab) {
    case 'overview':
      return 'Overview';
    case 'logs':
      return 'Logs';
    case 'console':
      return 'Console';
    case 'stats':
      return 'Stats';
  }
}

export const tabId = (tab: ContainerTab) => `container-tab-${tab}`;
export const panelId = (tab: ContainerTab) => `container-panel-${tab}`;

/** The detail page's tabs; arrow keys, Home and End move between them (WAI-ARIA tabs). */
export function ContainerTabs({
  current,
  onSelect,
}: {
  current: ContainerTab;
  onSelect: (tab: ContainerTab) => void;
}) {
  const list = useRef<HTMLDivElement>(null);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const index = CONTAINER_TABS.indexOf(current);
    const last = CONTAINER_TABS.length - 1;
    const next =
      event.key === 'ArrowRight'
        ? (index + 1) % CONTAINER_TABS.length
        : event.key === 'ArrowLeft'
          ? (index + last) % CONTAINER_TABS.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : null;
    if (next === null) return;
    event.preventDefault();
    const tab = CONTAINER_TABS[next]!;
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
      {CONTAINER_TABS.map((tab) => {
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
