export const THEME_PREFERENCES = ['system', 'light', 'dark'] as const;
export type ThemePreference = (typeof THEME_PREFERENCES)[number];

const STORAGE_KEY = 'berth.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

/**
 * Runs inline in <head> before the first paint, so a dark-mode user never sees a light flash.
 * It repeats `applyTheme` in plain ES5 because it runs before any bundle has loaded.
 */
export const themeInitScript = `(function(){try{var p=localStorage.getItem(${JSON.stringify(STORAGE_KEY)});var d=p==='dark'||(p!=='light'&&matchMedia(${JSON.stringify(DARK_QUERY)}).matches);var e=document.documentElement;e.classList.toggle('dark',d);e.style.colorScheme=d?'dark':'light';}catch(_){}})();`;

function isThemePreference(value: string | null): value is ThemePreference {
  return (THEME_PREFERENCES as readonly (string | null)[]).includes(value);
}

export function readThemePreference(): ThemePreference {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return isThemePreference(stored) ? stored : 'system';
  } catch {
    return 'system';
  }
}

export function applyTheme(preference: ThemePreference): void {
  const dark = preference === 'dark' || (preference === 'system' && matchMedia(DARK_QUERY).matches);
  const root = document.documentElement;
  root.classList.toggle('dark', dark);
  root.style.colorScheme = dark ? 'dark' : 'light';
}

const listeners = new Set<() => void>();

export function setThemePreference(preference: ThemePreference): void {
  try {
    localStorage.setItem(STORAGE_KEY, preference);
  } catch {
    // Storage can be disabled; the choice then lasts until the next reload.
  }
  applyTheme(preference);
  for (const listener of listeners) listener();
}

/** For `useSyncExternalStore`: fires on a change here, in another tab, or of the OS theme. */
export function subscribeToTheme(onChange: () => void): () => void {
  const media = matchMedia(DARK_QUERY);
  const onStorage = (event: StorageEvent) => {
    if (event.key !== STORAGE_KEY) return;
    applyTheme(readThemePreference());
    onChange();
  };
  const onSystemChange = () => {
    if (readThemePreference() === 'system') applyTheme('system');
  };
  listeners.add(onChange);
  window.addEventListener('storage', onStorage);
  media.addEventListener('change', onSystemChange);
  return () => {
    listeners.delete(onChange);
    window.removeEventListener('storage', onStorage);
    media.removeEventListener('change', onSystemChange);
  };
}
