'use client';

import {
  ZCreateStackRequest,
  type FieldIssue,
  type TCreateStackRequest,
  type TStack,
  type TStackDeployResponse,
  type TStackEnvEntry,
  type TStackPlan,
  type TUpdateStackRequest,
} from '@berth/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import { useRef, useState } from 'react';
import { useFieldArray, useForm, useWatch } from 'react-hook-form';
import { ApiError } from '@/lib/api';
import { useAdoptStack } from '@/lib/stack-adoption-queries';
import { useCan } from '@/lib/capabilities';
import { flattenErrors, focusFirstError, setServerErrors, submitForm } from '@/lib/form-errors';
import { envText } from '@/lib/stack-diff';
import {
  useCreateStack,
  usePlanNewStack,
  usePlanStack,
  useStackProgress,
  useUpdateStack,
} from '@/lib/stack-queries';
import { Button } from '../ui/button';
import { CheckboxField } from '../ui/checkbox-field';
import { ErrorNotice } from '../ui/error-notice';
import { Panel } from '../ui/panel';
import { TextField } from '../ui/text-field';
import { ComposeEditor } from './compose-editor';
import { ComposeProblems } from './compose-problems';
import { DeploymentFollower } from './deploy-progress';
import { StackDiff } from './stack-diff';
import { StackPlanView } from './stack-plan';
import { StackTargetFields } from './stack-target-fields';
import { StackUploadFields } from './stack-upload-fields';

const resolver = zodResolver(ZCreateStackRequest);

/** The form's values: the create request as typed in (`secret` may still be unset). */
type StackFormValues = Parameters<typeof resolver>[0];

const EXAMPLE = `services:
  web:
    image: nginx:alpine
    ports:
      - "8080:80"
`;

/**
 * What a new stack's form starts from: a compose file made of containers, or (`adopt`) a project
 * that runs on the host already, made by another tool, whose host and name are given.
 */
export interface StackStart {
  hostId?: string;
  name?: string;
  compose?: string;
  env?: TStackEnvEntry[];
  adopt?: boolean;
}

/** The compose problems of a COMPOSE_INVALID answer; none for any other failure. */
function composeIssues(error: unknown): readonly FieldIssue[] {
  return error instanceof ApiError && error.code === 'COMPOSE_INVALID' ? error.issues : [];
}

/** An edit as reviewed: what Apply sends, and the plan the server made of it. */
interface Review {
  body: TUpdateStackRequest;
  plan: TStackPlan;
}

/** The update an edit sends: its compose text and variables. */
function editOf(values: Partial<TCreateStackRequest> | StackFormValues): TUpdateStackRequest {
  const env = (values.env ?? []).map((entry) => ({
    name: entry?.name ?? '',
    value: entry?.value ?? '',
    secret: entry?.secret ?? false,
  }));
  return { compose: values.compose ?? '', env };
}

/**
 * A stack's compose file and variables. Either can show its plan first (what a new stack's deploy
 * would create; what an edit would create or recreate, and why), then deploy. An edit is reviewed
 * before it is applied: the diff against the deployed file and variables (secrets masked) and the
 * plan, then Apply. COMPOSE_INVALID problems show at their lines in the editor and in a list under
 * it.
 */
export function StackForm({ stack, start }: { stack?: TStack; start?: StackStart }) {
  const formRef = useRef<HTMLFormElement>(null);
  const [hostId, setHostId] = useState(stack?.hostId ?? start?.hostId ?? '');
  const [hostError, setHostError] = useState<string | undefined>();
  const [started, setStarted] = useState<TStackDeployResponse | null>(null);
  const [plan, setPlan] = useState<TStackPlan | null>(null);
  const [review, setReview] = useState<Review | null>(null);
  const [issues, setIssues] = useState<readonly FieldIssue[]>([]);
  const [envFile, setEnvFile] = useState<{ name: string; text: string } | null>(null);
  const [uploaded, setUploaded] = useState(false);
  const created = useCreateStack();
  const adopted = useAdoptStack();
  const create = start?.adopt ? adopted : created;
  const update = useUpdateStack(stack?.id ?? '');
  const planEdit = usePlanStack(stack?.id ?? '');
  const planNew = usePlanNewStack();
  const planStack = stack ? planEdit : planNew;
  const progress = useStackProgress(true);
  const canDeploy = useCan(stack?.hostId ?? '', 'stack.deploy');
  const form = useForm<StackFormValues, unknown, TCreateStackRequest>({
    defaultValues: {
      name: stack?.name ?? start?.name ?? '',
      compose: stack?.compose ?? start?.compose ?? EXAMPLE,
      env: stack?.env ?? start?.env ?? [],
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
  // A review stands only for the text it was made of; another edit asks for a new one.
  const reviewed =
    review && JSON.stringify(review.body) === JSON.stringify(editOf(values)) ? review : null;

  function onFailure(error: unknown) {
    setIssues(composeIssues(error));
    if (composeIssues(error).length === 0 && setServerErrors(form.setError, error)) {
      focusFirstError(formRef.current);
    }
  }

  /** A new stack needs its host; says so at the field when none is chosen. */
  function hostChosen(): boolean {
    setHostError(hostId ? undefined : 'choose a host');
    return hostId !== '';
  }

  function onDeploy(request: TCreateStackRequest) {
    setIssues([]);
    setPlan(null);
    planStack.reset();
    progress.clear();
    const options = { onSuccess: setStarted, onError: onFailure };
    if (stack) {
      const body = editOf(request);
      setReview(null);
      planEdit.mutate(body, {
        onSuccess: (answer) => setReview({ body, plan: answer }),
        onError: onFailure,
      });
      return;
    }
    if (!hostChosen()) return;
    const body = {
      ...request,
      ...(envFile ? { envFile: envFile.text } : {}),
      source: uploaded ? ('upload' as const) : ('editor' as const),
    };
    create.mutate({ hostId, body }, options);
  }

  function onApply(body: TUpdateStackRequest) {
    progress.clear();
    update.mutate(body, {
      onSuccess: (result) => {
        setReview(null);
        setStarted(result);
      },
      onError: onFailure,
    });
  }

  function onPlan() {
    setIssues([]);
    deploy.reset();
    setReview(null);
    const options = { onSuccess: setPlan, onError: onFailure };
    void form.handleSubmit(
      (request) => {
        if (stack) {
          planEdit.mutate({ compose: request.compose, env: request.env ?? [] }, options);
          return;
        }
        if (!hostChosen()) return;
        planNew.mutate(
          { hostId, body: { ...request, ...(envFile ? { envFile: envFile.text } : {}) } },
          options,
        );
      },
      () => focusFirstError(formRef.current),
    )();
  }

  const adopting = !stack && start?.adopt === true;
  const title = stack
    ? `Edit ${stack.name}`
    : adopting
      ? `Adopt ${start?.name ?? ''}`
      : 'New stack';
  const deployLabel = adopting
    ? deploy.isPending
      ? 'Adopting…'
      : 'Adopt'
    : deploy.isPending
      ? 'Deploying…'
      : 'Deploy';
  return (
    <Panel title={title}>
      <form
        ref={formRef}
        aria-label={title}
        onSubmit={(event) => submitForm(event, form, onDeploy, () => deploy.reset())}
        noValidate
        className="flex flex-col gap-4 p-4"
      >
        {adopting ? (
          <p className="text-xs text-muted">
            Give Berth the compose file this project was started with (type it or upload it). It is
            planned against what runs: containers the file describes as they run are kept.
          </p>
        ) : null}
        {stack || adopting ? null : (
          <div className="grid gap-3 md:grid-cols-2">
            <StackTargetFields
              hostId={hostId}
              onHostId={setHostId}
              hostError={hostError}
              name={values.name}
              onName={(value) => form.setValue('name', value, { shouldDirty: true })}
              nameError={errors.name}
            />
          </div>
        )}
        <div className="flex flex-col gap-1.5">
          <span className="text-xs font-medium text-fg">Compose file</span>
          {stack ? null : (
            <StackUploadFields
              envFileName={envFile?.name ?? null}
              onCompose={(text) => {
                form.setValue('compose', text, { shouldDirty: true });
                setUploaded(true);
              }}
              onEnvFile={setEnvFile}
            />
          )}
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
          <ComposeProblems issues={issues} />
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
        {plan && !reviewed ? <StackPlanView plan={plan} /> : null}
        {stack && reviewed ? (
          <section
            aria-label="Review"
            className="flex flex-col gap-3 rounded-md border border-accent/40 p-3"
          >
            <StackDiff
              files={[
                { name: 'compose.yaml', before: stack.compose, after: reviewed.body.compose ?? '' },
                {
                  name: '.env',
                  before: envText(stack.env),
                  after: envText(reviewed.body.env ?? []),
                },
              ]}
            />
            <StackPlanView plan={reviewed.plan} />
            <div className="flex justify-end gap-2">
              <Button onClick={() => setReview(null)} disabled={update.isPending}>
                Keep editing
              </Button>
              <Button
                variant="primary"
                onClick={() => onApply(reviewed.body)}
                disabled={update.isPending}
              >
                {update.isPending ? 'Applying…' : 'Apply'}
              </Button>
            </div>
          </section>
        ) : null}
        {refusal && issues.length === 0 ? <ErrorNotice error={refusal} /> : null}
        {started ? <DeploymentFollower started={started} stepsOf={progress.stepsOf} /> : null}
        <div className="flex justify-end gap-2">
          <Button onClick={onPlan} disabled={pending}>
            {planStack.isPending && !stack ? 'Planning…' : 'Plan'}
          </Button>
          {stack ? (
            canDeploy ? (
              <Button type="submit" variant="primary" disabled={pending}>
                {planStack.isPending ? 'Reviewing…' : 'Review changes'}
              </Button>
            ) : null
          ) : (
            <Button type="submit" variant="primary" disabled={pending}>
              {deployLabel}
            </Button>
          )}
        </div>
      </form>
    </Panel>
  );
}
