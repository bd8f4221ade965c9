import {
  useForm,
  useWatch,
  type FieldPath,
  type FieldPathValue,
  type Resolver,
} from 'react-hook-form';
import { flattenErrors } from '@/lib/form-errors';
import type { HostFormValues } from '@/lib/host-form';

/** Sets one field of a host form; the path is the request's (`tls.cert`). */
export type HostFieldSetter = <P extends FieldPath<HostFormValues>>(
  path: P,
  value: FieldPathValue<HostFormValues, P>,
) => void;

/**
 * A host form on react-hook-form: the values as they stand, a setter for the controlled fields and
 * the errors by dotted path, the resolver's and (set with `setError`) the API's.
 */
export function useHostForm<Request>(
  defaultValues: HostFormValues,
  resolver: Resolver<HostFormValues, unknown, Request>,
) {
  const form = useForm<HostFormValues, unknown, Request>({
    defaultValues,
    resolver,
    // Errors stay until the next submit, as the server's do.
    reValidateMode: 'onSubmit',
  });
  const [name, url, tags, group, useTls, tls, ssh, sshHostKey] = useWatch({
    control: form.control,
    name: ['name', 'url', 'tags', 'group', 'useTls', 'tls', 'ssh', 'sshHostKey'],
  });
  const values: HostFormValues = { name, url, tags, group, useTls, tls, ssh, sshHostKey };
  const set: HostFieldSetter = (path, value) => form.setValue(path, value, { shouldDirty: true });
  return { form, values, set, errors: flattenErrors(form.formState.errors) };
}
