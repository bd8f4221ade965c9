import type { ButtonHTMLAttributes } from 'react';

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'ghost';

const BASE =
  'inline-flex items-center justify-center gap-1.5 rounded-md font-medium whitespace-nowrap transition-colors disabled:pointer-events-none disabled:opacity-50 [&_svg]:size-4 [&_svg]:shrink-0';

const SIZES = {
  sm: 'h-7 px-2.5 text-xs',
  md: 'h-8 px-3 text-sm',
} as const;

function variantClass(variant: ButtonVariant): string {
  switch (variant) {
    case 'primary':
      return 'bg-accent text-accent-fg hover:bg-accent-hover';
    case 'secondary':
      return 'border border-border-strong bg-surface text-fg hover:bg-surface-2';
    case 'danger':
      return 'bg-danger text-white hover:opacity-90 dark:text-bg';
    case 'ghost':
      return 'text-muted hover:bg-surface-2 hover:text-fg';
  }
}

/** Shared with links that look like buttons. */
export function buttonClassName(
  variant: ButtonVariant = 'secondary',
  size: keyof typeof SIZES = 'md',
): string {
  return `${BASE} ${SIZES[size]} ${variantClass(variant)}`;
}

interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  size?: keyof typeof SIZES;
}

export function Button({
  variant = 'secondary',
  size = 'md',
  type = 'button',
  className = '',
  ...props
}: ButtonProps) {
  return (
    <button type={type} className={`${buttonClassName(variant, size)} ${className}`} {...props} />
  );
}
