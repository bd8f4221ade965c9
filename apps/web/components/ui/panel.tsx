import { useId, type ReactNode } from 'react';

interface PanelProps {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  /** Tables run to the panel's edges; forms and facts get padding. */
  flush?: boolean;
  className?: string;
}

/** A bordered surface with an optional header: the building block of every page. */
export function Panel({ title, actions, children, flush = false, className = '' }: PanelProps) {
  const titleId = useId();
  return (
    <section
      aria-labelledby={title ? titleId : undefined}
      className={`rounded-lg border border-border bg-surface ${className}`}
    >
      {title || actions ? (
        <header className="flex items-center justify-between gap-3 border-b border-border px-4 py-2.5">
          <h2 id={titleId} className="text-sm font-semibold text-fg">
            {title}
          </h2>
          {actions ? <div className="flex items-center gap-2">{actions}</div> : null}
        </header>
      ) : null}
      <div className={flush ? '' : 'p-4'}>{children}</div>
    </section>
  );
}
