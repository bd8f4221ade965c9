'use client';

import {
  type FieldIssue,
  type TCreateGitStackRequest,
  type TStackDeployResponse,
  ZCreateGitStackRequest,
} from '@berth/shared';
import { useRef, useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { ApiError } from '@/lib/api';
import {
  flattenErrors,
  focusFirstError,
  requestResolver,
  setServerErrors,
  submitForm,
} from '@/lib/form-errors';
import { useCreateGitStack, useStackProgress } from '@/lib/stack-queries';
import { Button } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';
import { TextField, type TextFieldSpec } from '../ui/text-field';
import { ComposeProblems } from './compose-problems';
import { DeploymentFollower } from './deploy-progress';
import { StackTargetFields } from './stack-target-fields';

/** The form's values, as typed: the request's shape, every field a string. */
interface GitStackValues {
  name: string;
  git: {
    url: string;
    ref: string;
    path: string;
    username: string;
    token: string;
    pollSeconds: string;
  };
}

const EMPTY: GitStackValues = {
  name: '',
  git: { url: '', ref: '', path: 'compose.yaml', username: '', token: '', pollSeconds: '' },
};

/** The request the values make: empty optional fields left out. */
function requestOf(values: GitStackValues): TCreateGitStackRequest {
  const { url, ref, path, username, token, pollSeconds } = values.git;
  return {
    name: values.name,
    git: {
      url,
      path,
      ...(ref.trim() ? { ref } : {}),
      ...(username ? { username } : {}),
      ...(token ? { token } : {}),
      ...(pollSeconds.trim() ? { pollSeconds: Number(pollSeconds) } : {}),
    },
  };
}

const resolver = requestResolver(ZCreateGitStackRequest, requestOf);

/** The git source's fields, in the order shown. */
const GIT_FIELDS: TextFieldSpec<keyof GitStackValues['git']>[] = [
  {
    name: 'url',
    label: 'Repository URL',
    mono: true,
    placeholder: 'https://git.example.com/team/app.git',
  },
  { name: 'ref', label: 'Branch or tag', mono: true, placeholder: 'default branch' },
  {
    name: 'path',
    label: 'Compose file path',
    mono: true,
    hint: "Inside the repository; build contexts resolve from the file's folder.",
  },
  { name: 'username', label: 'Username' },
  {
    name: 'token',
    label: 'Token',
    type: 'password',
    hint: 'Stored sealed with the stack for later fetches; never shown again.',
  },
  {
    name: 'pollSeconds',
    label: 'Poll interval (seconds)',
    mono: true,
    inputMode: 'numeric',
    placeholder: 'only on request',
    hint: 'Redeploy when the branch moves, checked this often (10 s or more).',
  },
];

/**
 * A new stack from a compose file in a git repository: Berth fetches the branch or tag, reads the
 * file at its path, builds the services that have `build:` from the repository and deploys, then
 * follows the deployment. The token is sent once and the field is emptied after.
 */
export function GitStackForm() {
  const formRef = useRef<HTMLFormElement>(null);
  const [hostId, setHostId] = useState('');
  const [hostError, setHostError] = useState<string | undefined>();
  const [started, setStarted] = useState<TStackDeployResponse | null>(null);
  const [issues, setIssues] = useState<readonly FieldIssue[]>([]);
  const create = useCreateGitStack();
  const progress = useStackProgress(true);
  const form = useForm<GitStackValues, unknown, TCreateGitStackRequest>({
    defaultValues: EMPTY,
    resolver,
    reValidateMode: 'onSubmit',
  });
  const values = useWatch({ control: form.control }) as GitStackValues;
  const errors = flattenErrors(form.formState.errors);
  const setGit = (name: keyof GitStackValues['git'], value: string) =>
    form.setValue(`git.${name}`, value, { shouldDirty: true });

  function onDeploy(body: TCreateGitStackRequest) {
    setIssues([]);
    progress.clear();
    setHostError(hostId ? undefined : 'choose a host');
    if (!hostId) return;
    create.mutate(
      { hostId, body },
      {
        onSuccess: (result) => {
          form.setValue('git.token', '');
          setStarted(result);
        },
        onError: (error) => {
          const compose =
            error instanceof ApiError && error.code === 'COMPOSE_INVALID' ? error.issues : [];
          setIssues(compose);
          if (compose.length === 0 && setServerErrors(form.setError, error)) {
            focusFirstError(formRef.current);
          }
        },
      },
    );
  }

  return (
    <form
      ref={formRef}
      aria-label="New stack from git"
      onSubmit={(event) => submitForm(event, form, onDeploy, () => create.reset())}
      noValidate
      className="flex flex-col gap-4 p-4"
    >
      <div className="grid gap-3 md:grid-cols-2">
        <StackTargetFields
          hostId={hostId}
          onHostId={setHostId}
          hostError={hostError}
          name={values.name}
          onName={(value) => form.setValue('name', value, { shouldDirty: true })}
          nameError={errors.name}
        />
        {GIT_FIELDS.map(({ name, ...field }) => (
          <TextField
            key={name}
            {...field}
            autoComplete={name === 'token' ? 'new-password' : 'off'}
            value={values.git[name]}
            onValueChange={(value) => setGit(name, value)}
            error={errors[`git.${name}`]}
          />
        ))}
      </div>
      <ComposeProblems issues={issues} />
      {create.error && issues.length === 0 && Object.keys(errors).length === 0 ? (
        <ErrorNotice error={create.error} />
      ) : null}
      {started ? <DeploymentFollower started={started} stepsOf={progress.stepsOf} /> : null}
      <div className="flex justify-end">
        <Button type="submit" variant="primary" disabled={create.isPending}>
          {create.isPending ? 'Deploying…' : 'Deploy'}
        </Button>
      </div>
    </form>
  );
}
