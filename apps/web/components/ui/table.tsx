import type { ReactNode, TdHTMLAttributes, ThHTMLAttributes } from 'react';

/** A dense data table that scrolls sideways inside its panel instead of squeezing columns. */
export function Table({ label, children }: { label: string; children: ReactNode }) {
  return (
    // `relative` keeps visually hidden (absolutely positioned) labels inside the scroll box.
    <div className="relative overflow-x-auto">
      <table aria-label={label} className="w-full border-collapse text-left text-sm">
        {children}
      </table>
    </div>
  );
}

export function Th({ className = '', ...props }: ThHTMLAttributes<HTMLTableCellElement>) {
  return (
    <th
      scope="col"
      className={`border-b border-border bg-surface-2/60 px-3 py-2 text-xs font-medium whitespace-nowrap text-muted ${className}`}
      {...props}
    />
  );
}

export function Td({ className = '', ...props }: TdHTMLAttributes<HTMLTableCellElement>) {
  return (
    <td className={`border-b border-border px-3 py-2 align-top text-fg ${className}`} {...props} />
  );
}

/** The placeholder of a cell with nothing to show. */
export function NoValue() {
  return <span className="font-sans text-muted">—</span>;
}
