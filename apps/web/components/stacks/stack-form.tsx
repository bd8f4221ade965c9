'use client';

import {
  ZCreateStackRequest,
  type FieldIssue,
  type TCreateStackRequest,
  type TStack,
  type TStackDeployResponse,
  type TStackPlan,
} from '@berth/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import { useRef, useState } from 'react';
import { useFieldArray, useForm, useWatch } from 'react-hook-form';
import { ApiError } from '@/lib/api';
import { flattenErrors, focusFirstError, setServerErrors, submitForm } from '@/lib/form-errors';
import {
  useCreateStack,
  usePlanStack,
  useStackProgress,
  useUpdateStack,
} from '@/lib/stack-queries';
import { Button } from '../ui/button';
import { CheckboxField } from '../ui/checkbox-field';
import { ErrorNotice } from '../ui/error-notice';
import { HostSelectField } from '../ui/host-select-field';
import { Panel } from '../ui/panel';
import { TextField } from '../ui/text-field';
import { ComposeEditor } from './compose-editor';
import { DeploymentFollower } from './deploy-progress';
import { StackPlanView } from './stack-plan';

const resolver = zodResolver(ZCreateStackRequest);

/** The form's values: the create request as typed in (`secret` may still be unset). */
type StackFormValues = Parameters<typeof resolver>[0];

const EXAMPLE = `services:
  web:
    image: nginx:alpine
    ports:
      - "8080:80"
`;

/** The compose problems of a COMPOSE_INVALID answer; none for any other failure. */
function composeIssues(error: unknown): readonly FieldIssue[] {
  return error instanceof ApiError && error.code === 'COMPOSE_INVALID' ? error.issues : [];
}

/**
 * A stack's compose file and variables. A new stack is created and deployed at once; an existing
 * one can show its plan (what would be created or recreated, and why) before it is redeployed.
 * COMPOSE_INVALID problems show at their lines in the editor and in a list under it.
 */
export function StackForm({ stack }: { stack?: TStack }) {
  const formRef = useRef<HTMLFormElement>(null);
  const [hostId, setHostId] = useState(stack?.hostId ?? '');
  const [hostError, setHostError] = useState<string | undefined>();
  const [started, setStarted] = useState<TStackDeployResponse | null>(null);
  const [plan, setPlan] = useState<TStackPlan | null>(null);
  const [issues, setIssues] = useState<readonly FieldIssue[]>([]);
  const create = useCreateStack();
  const update = useUpdateStack(stack?.id ?? '');
  const planStack = usePlanStack(stack?.id ?? '');
  const progress = useStackProgress(true);
  const form = useForm<StackFormValues, unknown, TCreateStackRequest>({
    defaultValues: {
      name: stack?.name ?? '',
      compose: stack?.compose ?? EXAMPLE,
      env: stack?.env ?? [],
    },
    resolver,
    reValidateMode: 'onSubmit',
  });
  const env = useFieldArray({ control: form.control, name: 'env' });
  const values = useWatch({ control: form.control }) as StackFormValues;
  const errors = flattenErrors(form.formState.errors);
  const deploy = stack ? update : create;
  const pending = deploy.isPending || planStack.isPending;
  const refusal = deploy.error ?? planStack.error;

  function onFailure(error: unknown) {
    setIssues(composeIssues(error));
    if (composeIssues(error).length === 0 && setServerErrors(form.setError, error)) {
      focusFirstError(formRef.current);
    }
  }

  function onDeploy(request: TCreateStackRequest) {
    setIssues([]);
    setPlan(null);
    planStack.reset();
    progress.clear();
    const options = { onSuccess: setStarted, onError: onFailure };
    if (stack) {
      update.mutate({ compose: request.compose, env: request.env ?? [] }, options);
      return;
    }
    if (!hostId) {
      setHostError('choose a host');
      return;
    }
    setHostError(undefined);
    create.mutate({ hostId, body: request }, options);
  }

  function onPlan() {
    setIssues([]);
    deploy.reset();
    void form.handleSubmit(
      (request) =>
        planStack.mutate(
          { compose: request.compose, env: request.env ?? [] },
          { onSuccess: setPlan, onError: onFailure },
        ),
      () => focusFirstError(formRef.current),
    )();
  }

  const title = stack ? `Edit ${stack.name}` : 'New stack';
  return (
    <Panel title={title}>
      <form
        ref={formRef}
        aria-label={title}
        onSubmit={(event) => submitForm(event, form, onDeploy, () => deploy.reset())}
        noValidate
        className="flex flex-col gap-4 p-4"
      >
        {stack ? null : (
          <div className="grid gap-3 md:grid-cols-2">
            <HostSelectField
              label="Host"
              permission="stack.deploy"
              value={hostId}
              onValueChange={setHostId}
              error={hostError}
            />
            <TextField
              label="Name"
              mono
              autoComplete="off"
              value={values.name}
              onValueChange={(value) => form.setValue('name', value, { shouldDirty: true })}
              error={errors.name}
              placeholder="shop"
            />
          </div>
        )}
        <div className="flex flex-col gap-1.5">
          <span className="text-xs font-medium text-fg">Compose file</span>
          <ComposeEditor
            value={values.compose}
            onChange={(value) => form.setValue('compose', value, { shouldDirty: true })}
            issues={issues}
          />
          {errors.compose ? (
            <p className="text-xs text-danger" role="alert">
              {errors.compose}
            </p>
          ) : null}
          {issues.length > 0 ? (
            <ul
              aria-label="Compose problems"
              className="flex flex-col gap-1 rounded-md border border-danger/40 bg-danger/5 px-3 py-2 text-xs text-danger"
            >
              {issues.map((issue, index) => (
                <li key={index} className="font-mono">
                  line {issue.line ?? '?'}: {issue.path ? `${issue.path}: ` : ''}
                  {issue.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
        <fieldset className="flex flex-col gap-2">
          <legend className="mb-1 text-xs font-medium text-fg">Variables</legend>
          {env.fields.map((field, index) => (
            <div key={field.id} className="grid items-start gap-2 md:grid-cols-[1fr_2fr_auto_auto]">
              <TextField
                label={`Variable ${index + 1} name`}
                mono
                autoComplete="off"
                value={values.env?.[index]?.name ?? ''}
                onValueChange={(value) => form.setValue(`env.${index}.name`, value)}
                error={errors[`env.${index}.name`]}
              />
              <TextField
                label={`Variable ${index + 1} value`}
                mono
                autoComplete="off"
                type={values.env?.[index]?.secret ? 'password' : 'text'}
                value={values.env?.[index]?.value ?? ''}
                onValueChange={(value) => form.setValue(`env.${index}.value`, value)}
                error={errors[`env.${index}.value`]}
              />
              <div className="pt-6">
                <CheckboxField
                  label="Secret"
                  checked={values.env?.[index]?.secret ?? false}
                  onCheckedChange={(checked) => form.setValue(`env.${index}.secret`, checked)}
                />
              </div>
              <Button
                className="mt-5"
                variant="ghost"
                aria-label={`Remove variable ${index + 1}`}
                onClick={() => env.remove(index)}
              >
                Remove
              </Button>
            </div>
          ))}
          <div>
            <Button onClick={() => env.append({ name: '', value: '', secret: false })}>
              Add variable
            </Button>
          </div>
        </fieldset>
        {plan ? <StackPlanView plan={plan} /> : null}
        {refusal && issues.length === 0 ? <ErrorNotice error={refusal} /> : null}
        {started ? <DeploymentFollower started={started} stepsOf={progress.stepsOf} /> : null}
        <div className="flex justify-end gap-2">
          {stack ? (
            <Button onClick={onPlan} disabled={pending}>
              {planStack.isPending ? 'Planning…' : 'Plan'}
            </Button>
          ) : null}
          <Button type="submit" variant="primary" disabled={pending}>
            {deploy.isPending ? 'Deploying…' : 'Deploy'}
          </Button>
        </div>
      </form>
    </Panel>
  );
}
