import { useCallback, useState } from 'react';
import type { HostFormValues } from '@/lib/host-form';

export function useHostFormValues(initial: HostFormValues) {
  const [values, setValues] = useState(initial);
  const set = useCallback(<K extends keyof HostFormValues>(key: K, value: HostFormValues[K]) => {
    setValues((previous) => ({ ...previous, [key]: value }));
  }, []);
  return [values, set] as const;
}
