'use client';

import { SectionTabs } from '../ui/section-tabs';

const TABS = [
  { href: '/stacks/new', label: 'Compose file' },
  { href: '/stacks/new/git', label: 'Git repository' },
] as const;

/**
 * Where a new stack's compose file comes from: typed in or uploaded (`/stacks/new`), or read
 * from a git repository (`/stacks/new/git`).
 */
export function StackSourceTabs() {
  return <SectionTabs label="Stack source" tabs={TABS} />;
}
