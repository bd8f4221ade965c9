'use client';

import {
  type FieldIssue,
  type TBuildFromGitRequest,
  type TBuildOptions,
  ZBuildFromGitRequest,
  ZBuildOptions,
} from '@berth/shared';
import { useId, useRef, useState } from 'react';
import { type FieldErrors as HookFormErrors, set, useForm, useWatch } from 'react-hook-form';
import { ApiError } from '@/lib/api';
import { flattenErrors, focusFirstError } from '@/lib/form-errors';
import { useBuildImage } from '@/lib/image-queries';
import { ActionDialog } from '../containers/action-dialog';
import { CheckboxField } from '../ui/checkbox-field';
import { describedBy, Field } from '../ui/field';
import { HostSelectField } from '../ui/host-select-field';
import { KeyValueField } from '../ui/key-value-field';
import { SelectField } from '../ui/select-field';
import { TextField, type TextFieldSpec } from '../ui/text-field';
import { BuildLogView, useBuildLog } from './build-log';

type Source = 'files' | 'tar' | 'git';

/** The form as the user fills it in; turned into the shared build request on submit. */
interface BuildFormValues {
  hostId: string;
  source: Source;
  /** Tags separated by spaces, commas or lines. */
  tags: string;
  dockerfile: string;
  target: string;
  /** `NAME=value` lines. */
  buildArgs: string;
  noCache: boolean;
  git: { url: string; ref: string; subPath: string; username: string; token: string };
  /** Only carries the error of the chosen files. */
  files: string;
}

const DEFAULTS: BuildFormValues = {
  hostId: '',
  source: 'files',
  tags: '',
  dockerfile: 'Dockerfile',
  target: '',
  buildArgs: '',
  noCache: false,
  git: { url: '', ref: '', subPath: '', username: '', token: '' },
  files: '',
};

function optionsOf(values: BuildFormValues): TBuildOptions {
  const buildArgs = Object.fromEntries(
    values.buildArgs
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => {
        const equals = line.indexOf('=');
        return equals === -1 ? [line, ''] : [line.slice(0, equals).trim(), line.slice(equals + 1)];
      }),
  );
  return {
    tags: values.tags.split(/[\s,]+/).filter(Boolean),
    dockerfile: values.dockerfile.trim() || 'Dockerfile',
    ...(values.target.trim() ? { target: values.target.trim() } : {}),
    ...(Object.keys(buildArgs).length > 0 ? { buildArgs } : {}),
    ...(values.noCache ? { noCache: true } : {}),
  };
}

function gitRequestOf(values: BuildFormValues): TBuildFromGitRequest {
  const { url, ref, subPath, username, token } = values.git;
  return {
    ...optionsOf(values),
    git: {
      url: url.trim(),
      ...(ref.trim() ? { ref: ref.trim() } : {}),
      ...(subPath.trim() ? { subPath: subPath.trim() } : {}),
      ...(username ? { username } : {}),
      ...(token ? { token } : {}),
    },
  };
}

/** A request or server path as the form shows it: `tags.1` on the tags, `context` on the files. */
function formPath(path: string): string {
  const [head] = path.split('.');
  if (head === 'tags' || head === 'buildArgs') return head;
  if (head === 'context' || head === 'options') return 'files';
  return path;
}

function errorsOf(issues: readonly FieldIssue[]): HookFormErrors<BuildFormValues> {
  const errors = {};
  for (const issue of issues) {
    set(errors, formPath(issue.path), { type: 'validate', message: issue.message });
  }
  return errors;
}

/** The git source's fields, in the order shown. */
const GIT_FIELDS: TextFieldSpec<keyof BuildFormValues['git']>[] = [
  {
    name: 'url',
    label: 'Repository URL',
    mono: true,
    placeholder: 'https://git.example.com/team/app.git',
  },
  { name: 'ref', label: 'Branch, tag or commit', mono: true, placeholder: 'default branch' },
  { name: 'subPath', label: 'Folder', mono: true, placeholder: "the repository's root" },
  { name: 'username', label: 'Username' },
  { name: 'token', label: 'Token', type: 'password', hint: 'Used for this fetch only.' },
];

interface BuildDialogProps {
  open: boolean;
  onClose: () => void;
}

/**
 * Builds an image on a host from files, a tar archive or a git repository, with tags, build
 * arguments, a target and no-cache; the engine's log shows live while it runs, and the image id
 * or the failing step when it ends.
 */
export function BuildDialog({ open, onClose }: BuildDialogProps) {
  const fieldsRef = useRef<HTMLDivElement>(null);
  const fileInputId = useId();
  const [files, setFiles] = useState<File[]>([]);
  const [uploaded, setUploaded] = useState<number | null>(null);
  const [requestId, setRequestId] = useState<string | null>(null);
  const build = useBuildImage((fraction) => setUploaded(fraction));
  const log = useBuildLog(requestId);
  const form = useForm<BuildFormValues>({
    defaultValues: DEFAULTS,
    reValidateMode: 'onSubmit',
    resolver: (values) => {
      const parsed =
        values.source === 'git'
          ? ZBuildFromGitRequest.safeParse(gitRequestOf(values))
          : ZBuildOptions.safeParse(optionsOf(values));
      const issues: FieldIssue[] = parsed.success
        ? []
        : parsed.error.issues.map((issue) => ({
            path: issue.path.map(String).join('.'),
            message: issue.message,
          }));
      if (!values.hostId) issues.push({ path: 'hostId', message: 'choose a host' });
      if (values.source !== 'git' && files.length === 0) {
        issues.push({
          path: 'files',
          message: values.source === 'tar' ? 'choose a tar archive' : 'choose the context files',
        });
      }
      return issues.length === 0
        ? { values, errors: {} }
        : { values: {}, errors: errorsOf(issues) };
    },
  });
  const values = useWatch({ control: form.control }) as BuildFormValues;
  const errors = flattenErrors(form.formState.errors);
  const setValue = <K extends keyof BuildFormValues>(name: K, value: BuildFormValues[K]) =>
    form.setValue(name as never, value as never, { shouldDirty: true });
  const setGit = (name: keyof BuildFormValues['git'], value: string) =>
    form.setValue(`git.${name}`, value, { shouldDirty: true });

  function submit() {
    const element = fieldsRef.current?.closest('form') ?? null;
    void form.handleSubmit(
      (valid) => {
        const id = crypto.randomUUID();
        setRequestId(id);
        setUploaded(null);
        const onError = (error: unknown) => {
          if (error instanceof ApiError && error.issues.length > 0) {
            for (const issue of error.issues) {
              form.setError(formPath(issue.path) as never, {
                type: 'server',
                message: issue.message,
              });
            }
            focusFirstError(element);
          }
        };
        if (valid.source === 'git') {
          build.mutate(
            { kind: 'git', hostId: valid.hostId, body: gitRequestOf(valid), requestId: id },
            { onError },
          );
          return;
        }
        const upload = new FormData();
        upload.append('options', JSON.stringify(optionsOf(valid)));
        if (valid.source === 'tar') upload.append('context', files[0]!, files[0]!.name);
        for (const file of valid.source === 'files' ? files : []) {
          upload.append('files', file, file.webkitRelativePath || file.name);
        }
        build.mutate(
          { kind: 'upload', hostId: valid.hostId, form: upload, requestId: id },
          { onError },
        );
      },
      () => {
        build.reset();
        focusFirstError(element);
      },
    )();
  }

  function close() {
    build.reset();
    form.reset(DEFAULTS);
    setFiles([]);
    setRequestId(null);
    setUploaded(null);
    onClose();
  }

  const fieldErrorShown = build.error instanceof ApiError && build.error.issues.length > 0;
  const filesHint =
    values.source === 'tar'
      ? 'A tar archive of the context, as docker build - < context.tar takes it.'
      : 'The Dockerfile and the files it copies; a folder keeps its paths.';

  return (
    <ActionDialog
      open={open}
      title="Build an image"
      confirmLabel={build.isSuccess || build.isError ? 'Build again' : 'Build'}
      pending={build.isPending}
      error={fieldErrorShown ? null : build.error}
      onConfirm={submit}
      onClose={close}
    >
      <div ref={fieldsRef} className="flex flex-col gap-3">
        <HostSelectField
          label="Host"
          value={values.hostId}
          onValueChange={(hostId) => setValue('hostId', hostId)}
          permission="image.build"
          shared
          error={errors.hostId}
        />
        <SelectField
          label="Context"
          value={values.source}
          onValueChange={(source) => {
            setValue('source', source as Source);
            setFiles([]);
          }}
        >
          <option value="files">Upload files</option>
          <option value="tar">Upload a tar archive</option>
          <option value="git">Git repository</option>
        </SelectField>
        {values.source === 'git' ? (
          <>
            {GIT_FIELDS.map(({ name, ...field }) => (
              <TextField
                key={name}
                {...field}
                autoComplete="off"
                value={values.git[name]}
                onValueChange={(value) => setGit(name, value)}
                error={errors[`git.${name}`]}
              />
            ))}
          </>
        ) : (
          <Field id={fileInputId} label="Files" error={errors.files} hint={filesHint}>
            <input
              key={values.source}
              id={fileInputId}
              type="file"
              multiple={values.source === 'files'}
              accept={values.source === 'tar' ? '.tar,application/x-tar' : undefined}
              aria-invalid={errors.files ? true : undefined}
              aria-describedby={describedBy(fileInputId, errors.files, filesHint)}
              onChange={(event) => setFiles([...(event.target.files ?? [])])}
              className="text-xs text-fg file:mr-2 file:rounded-md file:border file:border-border file:bg-surface-2 file:px-2 file:py-1 file:text-fg"
            />
          </Field>
        )}
        <TextField
          label="Tags"
          mono
          autoComplete="off"
          placeholder="registry.example.com:5000/team/app:1.0"
          value={values.tags}
          onValueChange={(value) => setValue('tags', value)}
          error={errors.tags}
          hint="One or more, separated by spaces or commas."
        />
        <div className="grid grid-cols-2 gap-2">
          <TextField
            label="Dockerfile"
            mono
            autoComplete="off"
            value={values.dockerfile}
            onValueChange={(value) => setValue('dockerfile', value)}
            error={errors.dockerfile}
          />
          <TextField
            label="Target stage"
            mono
            autoComplete="off"
            placeholder="the last stage"
            value={values.target}
            onValueChange={(value) => setValue('target', value)}
            error={errors.target}
          />
        </div>
        <KeyValueField
          label="Build arguments"
          value={values.buildArgs}
          onValueChange={(value) => setValue('buildArgs', value)}
          error={errors.buildArgs}
          hint="One NAME=value per line."
        />
        <CheckboxField
          label="No cache"
          checked={values.noCache}
          onCheckedChange={(checked) => setValue('noCache', checked)}
          hint="Run every step again."
        />
        {uploaded !== null && uploaded < 1 && build.isPending ? (
          <p className="text-xs text-muted">Uploading… {Math.round(uploaded * 100)} %</p>
        ) : null}
        {requestId ? <BuildLogView log={log} running={build.isPending} /> : null}
        {build.data ? (
          <p className="text-xs text-ok" role="status">
            Built {build.data.tags.join(', ')}
            {build.data.commit ? ` from ${build.data.commit.slice(0, 12)}` : ''}.
          </p>
        ) : null}
      </div>
    </ActionDialog>
  );
}
