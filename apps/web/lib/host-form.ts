import type { TCreateHostRequest, THost, TUpdateHostRequest } from '@berth/shared';

export type HostScheme = 'unix' | 'tcp' | 'ssh';

/** What the host forms hold: plain strings, turned into a request only on submit. */
export interface HostFormValues {
  name: string;
  url: string;
  tags: string;
  group: string;
  /** tcp:// only: connect with client certificates instead of plain TCP. */
  useTls: boolean;
  tlsCa: string;
  tlsCert: string;
  tlsKey: string;
  tlsSkipVerify: boolean;
  sshPrivateKey: string;
  sshPassphrase: string;
  /** Fingerprint or public key line to pin; empty pins the key presented first (or keeps it). */
  sshHostKey: string;
}

export const EMPTY_HOST_FORM: HostFormValues = {
  name: '',
  url: '',
  tags: '',
  group: '',
  useTls: true,
  tlsCa: '',
  tlsCert: '',
  tlsKey: '',
  tlsSkipVerify: false,
  sshPrivateKey: '',
  sshPassphrase: '',
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
    tlsSkipVerify: host.tlsSkipVerify,
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

function tlsOf(values: HostFormValues): TCreateHostRequest['tls'] {
  return {
    ca: optional(values.tlsCa),
    cert: values.tlsCert,
    key: values.tlsKey,
    skipVerify: values.tlsSkipVerify,
  };
}

function sshOf(values: HostFormValues): TCreateHostRequest['ssh'] {
  return { privateKey: values.sshPrivateKey, passphrase: optional(values.sshPassphrase) };
}

/** The create/test body; still to be validated with ZCreateHostRequest. */
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
 * The edit body; still to be validated with ZUpdateHostRequest. Secrets are sent only when new
 * ones were typed, because leaving them out keeps the stored ones.
 */
export function toUpdateHostRequest(values: HostFormValues, host: THost): TUpdateHostRequest {
  const replacesTls =
    (host.kind === 'tls' || host.kind === 'tcp') &&
    (values.tlsCert.trim() !== '' || values.tlsKey.trim() !== '');
  const replacesSsh = host.kind === 'ssh' && values.sshPrivateKey.trim() !== '';
  return {
    name: values.name,
    tags: parseTags(values.tags),
    group: optional(values.group) ?? null,
    tls: replacesTls ? tlsOf(values) : undefined,
    ssh: replacesSsh ? sshOf(values) : undefined,
    sshHostKey: host.kind === 'ssh' ? optional(values.sshHostKey) : undefined,
  };
}
