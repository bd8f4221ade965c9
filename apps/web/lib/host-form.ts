import {
  ZCreateHostRequest,
  ZUpdateHostRequest,
  type TCreateHostRequest,
  type THost,
  type TUpdateHostRequest,
} from '@berth/shared';
import type { Resolver } from 'react-hook-form';
import { z } from 'zod';
import { ApiError } from './api';
import { requestResolver } from './form-errors';

/*
 * The host forms (react-hook-form) hold plain strings shaped like the request (`tls.cert`,
 * `ssh.privateKey`), so the schema's and the API's field errors land on the fields they name.
 * `toCreateHostRequest` / `toUpdateHostRequest` make the request, which the resolvers check with
 * ZCreateHostRequest / ZUpdateHostRequest before anything is sent.
 */

export type HostScheme = 'unix' | 'tcp' | 'ssh';

export interface HostFormValues {
  name: string;
  url: string;
  /** Comma-separated. */
  tags: string;
  group: string;
  /** tcp:// only: connect with client certificates instead of plain TCP. */
  useTls: boolean;
  tls: { ca: string; cert: string; key: string; skipVerify: boolean };
  ssh: { privateKey: string; passphrase: string };
  /** Fingerprint or public key line to pin; empty pins the key presented first (or keeps it). */
  sshHostKey: string;
}

export const EMPTY_HOST_FORM: HostFormValues = {
  name: '',
  url: '',
  tags: '',
  group: '',
  useTls: true,
  tls: { ca: '', cert: '', key: '', skipVerify: false },
  ssh: { privateKey: '', passphrase: '' },
  sshHostKey: '',
};

/** The form of a saved host: secrets start empty because the API never returns them. */
export function hostFormValuesOf(host: THost): HostFormValues {
  return {
    ...EMPTY_HOST_FORM,
    name: host.name,
    url: host.url,
    tags: host.tags.join(', '),
    group: host.group ?? '',
    useTls: host.kind === 'tls',
    tls: { ...EMPTY_HOST_FORM.tls, skipVerify: host.tlsSkipVerify },
  };
}

export function schemeOf(url: string): HostScheme | null {
  const match = /^(unix|tcp|ssh):\/\//.exec(url.trim());
  return match ? (match[1] as HostScheme) : null;
}

function parseTags(tags: string): string[] {
  return tags
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}

const optional = (value: string) => (value.trim() === '' ? undefined : value);

function tlsOf({ tls }: HostFormValues): TCreateHostRequest['tls'] {
  return { ca: optional(tls.ca), cert: tls.cert, key: tls.key, skipVerify: tls.skipVerify };
}

function sshOf({ ssh }: HostFormValues): TCreateHostRequest['ssh'] {
  return { privateKey: ssh.privateKey, passphrase: optional(ssh.passphrase) };
}

/** The create/test body; the resolver checks it with ZCreateHostRequest. */
export function toCreateHostRequest(values: HostFormValues): TCreateHostRequest {
  const scheme = schemeOf(values.url);
  return {
    name: values.name,
    url: values.url,
    tags: parseTags(values.tags),
    group: optional(values.group) ?? null,
    tls: scheme === 'tcp' && values.useTls ? tlsOf(values) : undefined,
    ssh: scheme === 'ssh' ? sshOf(values) : undefined,
    sshHostKey: scheme === 'ssh' ? optional(values.sshHostKey) : undefined,
  };
}

/**
 * The edit body; the resolver checks it with ZUpdateHostRequest. Secrets are sent only when new
 * ones were typed, because leaving them out keeps the stored ones.
 */
export function toUpdateHostRequest(values: HostFormValues, host: THost): TUpdateHostRequest {
  const scheme = schemeOf(values.url);
  const replacesTls =
    scheme === 'tcp' && (values.tls.cert.trim() !== '' || values.tls.key.trim() !== '');
  const replacesSsh = scheme === 'ssh' && values.ssh.privateKey.trim() !== '';
  return {
    name: values.name,
    url: values.url.trim() === host.url ? undefined : values.url,
    tags: parseTags(values.tags),
    group: optional(values.group) ?? null,
    tls: replacesTls ? tlsOf(values) : undefined,
    ssh: replacesSsh ? sshOf(values) : undefined,
    sshHostKey: scheme === 'ssh' ? optional(values.sshHostKey) : undefined,
  };
}

/** The host that already has this engine, named by a 409 answer to a registration. */
export function existingHostOf(error: unknown): { id: string; name: string } | null {
  if (!(error instanceof ApiError) || error.code !== 'CONFLICT') return null;
  const found = ZExistingHost.safeParse(error.details.existingHost);
  return found.success ? found.data : null;
}

const ZExistingHost = z.object({ id: z.string(), name: z.string() });

export const createHostResolver: Resolver<HostFormValues, unknown, TCreateHostRequest> =
  requestResolver(ZCreateHostRequest, toCreateHostRequest);

export function updateHostResolver(
  host: THost,
): Resolver<HostFormValues, unknown, TUpdateHostRequest> {
  return requestResolver(ZUpdateHostRequest, (values: HostFormValues) =>
    toUpdateHostRequest(values, host),
  );
}
