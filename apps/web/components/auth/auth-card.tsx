import { Anchor } from 'lucide-react';
import type { ReactNode } from 'react';
import { ThemeToggle } from '../shell/theme-toggle';

interface AuthCardProps {
  title: string;
  description: ReactNode;
  children: ReactNode;
}

/** The centred card of the pages outside the console: sign-in and first-run setup. */
export function AuthCard({ title, description, children }: AuthCardProps) {
  return (
    <div className="relative flex min-h-screen flex-col items-center justify-center px-4 py-12">
      <div className="absolute top-4 right-4">
        <ThemeToggle />
      </div>
      <main className="flex w-full max-w-sm flex-col gap-6">
        <div className="flex items-center justify-center gap-2 text-lg font-semibold tracking-tight text-fg">
          <Anchor aria-hidden className="size-5 text-accent" />
          Berth
        </div>
        <div className="rounded-lg border border-border bg-surface p-6 shadow-sm">
          <div className="mb-5 flex flex-col gap-1">
            <h1 className="text-base font-semibold text-fg">{title}</h1>
            <p className="text-sm text-muted">{description}</p>
          </div>
          {children}
        </div>
      </main>
    </div>
  );
}
