import type { Permission } from '@berth/shared';

// Not in the 'use client' tabs component: the detail page (a server component) reads `?tab=` with
// isContainerTab, and a server component cannot call a function of a client module.

export const CONTAINER_TABS = ['overview', 'logs', 'console', 'stats'] as const;
export type ContainerTab = (typeof CONTAINER_TABS)[number];

export function isContainerTab(value: string): value is ContainerTab {
  return (CONTAINER_TABS as readonly string[]).includes(value);
}

/** The permission a tab needs on the host (overview: the inspect the page is made of). */
export function permissionOf(tab: ContainerTab): Permission {
  switch (tab) {
    case 'overview':
      return 'container.inspect';
    case 'logs':
      return 'container.logs';
    case 'console':
      return 'container.exec';
    case 'stats':
      return 'container.stats';
  }
}

export function labelOf(tab: ContainerTab): string {
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
