'use client';

import type { Permission } from '@berth/shared';
import type { UseMutationResult } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useRef, type ReactNode, type RefObject } from 'react';
import {
  useForm,
  useWatch,
  type DefaultValues,
  type Resolver,
  type UseFormReturn,
} from 'react-hook-form';
import type { FieldErrors } from '@/lib/field-errors';
import {
  flattenErrors,
  focusFirstError,
  setServerErrors,
  submitForm,
  withFormChecks,
} from '@/lib/form-errors';
import { FormActions } from './form-actions';
import { HostSelectField } from './host-select-field';
import { Panel } from './panel';
import { TextField } from './text-field';

/** What every inventory create form has: the host it is made on and its name. */
interface CreateFormValues {
  hostId: string;
  name: string;
}

/** The request's resolver, with the host asked for (it is a path parameter, not in the request). */
export function withHostCheck<Values extends CreateFormValues, Request>(
  resolver: Resolver<Values, unknown, Request>,
): Resolver<Values, unknown, Request> {
  return withFormChecks(resolver, (values: Values): FieldErrors =>
    values.hostId ? {} : { hostId: 'choose the host' },
  );
}

interface CreateFormOptions<Values extends CreateFormValues, Request, Made> {
  defaultValues: Values;
  resolver: Resolver<Values, unknown, Request>;
  /** The create mutation for a host (a stable, module-level hook). */
  useCreate: (hostId: string) => UseMutationResult<Made, Error, Request>;
}

export interface InventoryCreateForm<Values extends CreateFormValues, Request, Made> {
  form: UseFormReturn<Values, unknown, Request>;
  formRef: RefObject<HTMLFormElement | null>;
  values: Values;
  errors: FieldErrors;
  set: <K extends keyof Values>(key: K, value: Values[K]) => void;
  create: UseMutationResult<Made, Error, Request>;
}

/**
 * A create form of an inventory page (network, volume) on react-hook-form with the shared request
 * schema: the values as typed, their errors (the server's put on the same fields), and the
 * create, which opens what it made.
 */
export function useInventoryCreateForm<Values extends CreateFormValues, Request, Made>({
  defaultValues,
  resolver,
  useCreate,
}: CreateFormOptions<Values, Request, Made>): InventoryCreateForm<Values, Request, Made> {
  const formRef = useRef<HTMLFormElement>(null);
  const form = useForm<Values, unknown, Request>({
    defaultValues: defaultValues as DefaultValues<Values>,
    resolver,
    reValidateMode: 'onSubmit',
  });
  const values = useWatch({ control: form.control }) as Values;
  const create = useCreate(values.hostId);
  const errors = flattenErrors(form.formState.errors);
  const set = <K extends keyof Values>(key: K, value: Values[K]) =>
    form.setValue(key as never, value as never, { shouldDirty: true });
  return { form, formRef, values, errors, set, create };
}

interface InventoryCreateFormPanelProps<Values extends CreateFormValues, Request, Made> {
  /** `network`, `volume`: names the panel, the form and its button. */
  what: string;
  permission: Permission;
  namePlaceholder: string;
  state: InventoryCreateForm<Values, Request, Made>;
  /** Where what was made is shown; the form goes there on success. */
  hrefOf: (hostId: string, made: Made) => string;
  onDone: () => void;
  /** The third field of the first row (the driver). */
  beside: ReactNode;
  children: ReactNode;
}

/** The panel of such a form: host, name and `beside` on the first row, the rest, then its buttons. */
export function InventoryCreateFormPanel<Values extends CreateFormValues, Request, Made>({
  what,
  permission,
  namePlaceholder,
  state,
  hrefOf,
  onDone,
  beside,
  children,
}: InventoryCreateFormPanelProps<Values, Request, Made>) {
  const router = useRouter();
  const { form, formRef, values, errors, set, create } = state;

  function onSave(request: Request) {
    const host = values.hostId;
    create.mutate(request, {
      onSuccess: (made) => router.push(hrefOf(host, made)),
      onError: (error) => {
        if (setServerErrors(form.setError, error)) focusFirstError(formRef.current);
      },
    });
  }

  return (
    <Panel title={`New ${what}`}>
      <form
        ref={formRef}
        aria-label={`New ${what}`}
        onSubmit={(event) => submitForm(event, form, onSave, () => create.reset())}
        noValidate
        className="flex flex-col gap-4"
      >
        <div className="grid gap-3 md:grid-cols-3">
          <HostSelectField
            label="Host"
            permission={permission}
            value={values.hostId}
            onValueChange={(value) => set('hostId', value as Values['hostId'])}
            error={errors.hostId}
          />
          <TextField
            label="Name"
            mono
            value={values.name}
            onValueChange={(value) => set('name', value as Values['name'])}
            error={errors.name}
            placeholder={namePlaceholder}
          />
          {beside}
        </div>
        {children}
        <FormActions
          error={create.error}
          pending={create.isPending}
          submitLabel={`Create ${what}`}
          pendingLabel="Creating…"
          onCancel={onDone}
        />
      </form>
    </Panel>
  );
}
