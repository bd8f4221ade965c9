import { useId, type ReactNode } from 'react';

/** One titled block of a drawer, separated from the next by a rule. */
export function DrawerSection({
  title,
  description,
  children,
}: {
  title: string;
  description?: ReactNode;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <section
      aria-labelledby={id}
      className="flex flex-col gap-3 border-b border-border py-5 first:pt-0 last:border-0 last:pb-0"
    >
      <div className="flex flex-col gap-0.5">
        <h3 id={id} className="text-sm font-semibold text-fg">
          {title}
        </h3>
        {description ? <div className="text-xs text-muted">{description}</div> : null}
      </div>
      {children}
    </section>
  );
}
