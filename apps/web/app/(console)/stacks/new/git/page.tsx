import type { Metadata } from 'next';
import { GitStackForm } from '@/components/stacks/git-stack-form';
import { Panel } from '@/components/ui/panel';

export const metadata: Metadata = { title: 'New stack from git' };

export default function NewGitStackPage() {
  return (
    <Panel title="New stack from git" flush>
      <GitStackForm />
    </Panel>
  );
}
