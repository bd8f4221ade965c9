'use client';

import { Monitor, Moon, Sun, type LucideIcon } from 'lucide-react';
import { useSyncExternalStore } from 'react';
import {
  readThemePreference,
  setThemePreference,
  subscribeToTheme,
  THEME_PREFERENCES,
  type ThemePreference,
} from '@/lib/theme';

function optionOf(preference: ThemePreference): { label: string; icon: LucideIcon } {
  switch (preference) {
    case 'system':
      return { label: 'System', icon: Monitor };
    case 'light':
      return { label: 'Light', icon: Sun };
    case 'dark':
      return { label: 'Dark', icon: Moon };
  }
}

/** System / light / dark; the server renders "system" and the browser corrects it on hydration. */
export function ThemeToggle() {
  const current = useSyncExternalStore(subscribeToTheme, readThemePreference, () => 'system');
  return (
    <div
      role="group"
      aria-label="Theme"
      className="flex items-center rounded-md border border-border bg-surface p-0.5"
    >
      {THEME_PREFERENCES.map((preference) => {
        const { label, icon: Icon } = optionOf(preference);
        const pressed = current === preference;
        return (
          <button
            key={preference}
            type="button"
            aria-label={label}
            aria-pressed={pressed}
            title={`${label} theme`}
            onClick={() => setThemePreference(preference)}
            className={`flex size-6 items-center justify-center rounded transition-colors ${
              pressed ? 'bg-surface-2 text-fg' : 'text-muted hover:text-fg'
            }`}
          >
            <Icon aria-hidden className="size-3.5" />
          </button>
        );
      })}
    </div>
  );
}
