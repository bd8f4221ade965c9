import type { THostTestResult } from '@berth/shared';
import { type RefObject, useState } from 'react';
import {
  useForm,
  useWatch,
  type FieldPath,
  type FieldPathValue,
  type Resolver,
  type UseFormReturn,
} from 'react-hook-form';
import { flattenErrors, focusFirstError, setServerErrors } from '@/lib/form-errors';
import { existingHostOf, type HostFormValues } from '@/lib/host-form';

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

interface Answerable {
  reset(): void;
}

interface ConnectionTest<Request> extends Answerable {
  data?: THostTestResult | undefined;
  error: unknown;
  mutate(request: Request, options: { onError: (error: unknown) => void }): void;
}

interface HostSave<Request> extends Answerable {
  error: unknown;
  mutate(
    request: Request,
    options: { onSuccess: () => void; onError: (error: unknown) => void },
  ): void;
}

/**
 * What both host forms do around their buttons: clear the last answers, put the API's field errors
 * on their fields (focus on the first), and test the connection after the same check as Save
 * (nothing is sent while a field is invalid). A save refused because another host already has the
 * engine (409 naming it) gives that host for the note, and `saveAnyway` sends the refused request
 * once more with `allowSameEngine`.
 */
export function useTestAndSave<Request extends { allowSameEngine?: boolean | undefined }>(
  form: UseFormReturn<HostFormValues, unknown, Request>,
  formRef: RefObject<HTMLFormElement | null>,
  save: HostSave<Request>,
  test: ConnectionTest<Request>,
  onDone: () => void,
) {
  const [refused, setRefused] = useState<Request | null>(null);
  const existing = existingHostOf(save.error);
  const failure = existing ? test.error : (save.error ?? test.error);
  const sameEngine = existing ?? test.data?.sameEngineAs ?? null;

  function answered() {
    save.reset();
    test.reset();
  }
  function onError(error: unknown) {
    if (setServerErrors(form.setError, error)) focusFirstError(formRef.current);
  }
  function onSave(request: Request) {
    answered();
    setRefused(request);
    save.mutate(request, { onSuccess: onDone, onError });
  }
  function saveAnyway() {
    if (!refused) return;
    answered();
    save.mutate({ ...refused, allowSameEngine: true }, { onSuccess: onDone, onError });
  }
  function onTest() {
    void form.handleSubmit(
      (request) => {
        answered();
        test.mutate(request, { onError });
      },
      () => {
        answered();
        focusFirstError(formRef.current);
      },
    )();
  }
  return {
    answered,
    onSave,
    onTest,
    failure,
    sameEngine,
    saveAnyway: existing ? saveAnyway : null,
  };
}
