'use client';

import { errorAt, type FieldErrors } from '@/lib/field-errors';
import type { HostFormValues, HostScheme } from '@/lib/host-form';
import type { HostFieldSetter } from './use-host-form';
import { CheckboxField } from '../ui/checkbox-field';
import { TextField } from '../ui/text-field';
import { PemField } from './pem-field';
import { WarningNote } from './warning-note';

interface ConnectionSecretsFieldsProps {
  scheme: HostScheme | null;
  values: HostFormValues;
  onChange: HostFieldSetter;
  errors: FieldErrors;
  /** Editing: secrets are optional and replace the stored ones only when given. */
  replacing?: boolean;
}

const CERT_PLACEHOLDER = '-----BEGIN CERTIFICATE-----';
const KEY_PLACEHOLDER = '-----BEGIN PRIVATE KEY-----';

/** TLS client certificates for tcp://, a private key for ssh://, nothing for unix://. */
export function ConnectionSecretsFields({
  scheme,
  values,
  onChange,
  errors,
  replacing = false,
}: ConnectionSecretsFieldsProps) {
  const keep = replacing ? ' Leave empty to keep the stored one.' : '';
  switch (scheme) {
    case null:
      return null;
    case 'unix':
      return (
        <p className="text-xs text-muted">
          The socket must exist on the machine that runs Berth. No credentials are needed.
        </p>
      );
    case 'ssh':
      return (
        <fieldset className="flex flex-col gap-3 rounded-md border border-border p-3">
          <legend className="px-1 text-xs font-semibold text-muted">SSH</legend>
          <PemField
            label={replacing ? 'New private key' : 'Private key'}
            value={values.ssh.privateKey}
            onValueChange={(value) => onChange('ssh.privateKey', value)}
            error={errorAt(errors, 'ssh.privateKey') ?? errors.ssh}
            hint={`OpenSSH or PEM format. The far side must have the docker CLI.${keep}`}
            placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
          />
          <TextField
            label="Passphrase (optional)"
            type="password"
            autoComplete="off"
            value={values.ssh.passphrase}
            onValueChange={(value) => onChange('ssh.passphrase', value)}
            error={errorAt(errors, 'ssh.passphrase')}
          />
          <TextField
            label="Host key (optional)"
            autoComplete="off"
            spellCheck={false}
            mono
            placeholder="SHA256:… or ssh-ed25519 AAAA…"
            value={values.sshHostKey}
            onValueChange={(value) => onChange('sshHostKey', value)}
            error={errorAt(errors, 'sshHostKey')}
            hint={
              replacing
                ? 'Pins another host key, e.g. after the host was reinstalled. Leave empty to keep the pinned one.'
                : 'The fingerprint (ssh-keygen -lf on the host) or public key line (ssh-keyscan). Left empty, the key the host presents on the first connection is pinned.'
            }
          />
        </fieldset>
      );
    case 'tcp':
      return (
        <fieldset className="flex flex-col gap-3 rounded-md border border-border p-3">
          <legend className="px-1 text-xs font-semibold text-muted">TLS</legend>
          {replacing ? null : (
            <CheckboxField
              label="Use TLS client certificates"
              checked={values.useTls}
              onCheckedChange={(checked) => onChange('useTls', checked)}
            />
          )}
          {values.useTls || replacing ? (
            <>
              <PemField
                label="CA certificate (optional)"
                value={values.tls.ca}
                onValueChange={(value) => onChange('tls.ca', value)}
                error={errorAt(errors, 'tls.ca')}
                hint="Needed when the engine's certificate is not signed by a public CA."
                placeholder={CERT_PLACEHOLDER}
              />
              <div className="grid gap-3 lg:grid-cols-2">
                <PemField
                  label={replacing ? 'New client certificate' : 'Client certificate'}
                  value={values.tls.cert}
                  onValueChange={(value) => onChange('tls.cert', value)}
                  error={errorAt(errors, 'tls.cert') ?? errors.tls}
                  hint={keep || undefined}
                  placeholder={CERT_PLACEHOLDER}
                />
                <PemField
                  label={replacing ? 'New client key' : 'Client key'}
                  value={values.tls.key}
                  onValueChange={(value) => onChange('tls.key', value)}
                  error={errorAt(errors, 'tls.key')}
                  hint={keep || undefined}
                  placeholder={KEY_PLACEHOLDER}
                />
              </div>
              <CheckboxField
                label="Skip server certificate verification"
                checked={values.tls.skipVerify}
                onCheckedChange={(checked) => onChange('tls.skipVerify', checked)}
                hint={replacing ? 'Saved together with new certificates.' : undefined}
              />
              {values.tls.skipVerify ? (
                <WarningNote>
                  Any certificate will be accepted: whoever sits between Berth and this host can
                  impersonate it and take over the engine. Use only for testing.
                </WarningNote>
              ) : null}
            </>
          ) : (
            <WarningNote>
              Without TLS the Docker API travels unencrypted, and anyone who can reach this port
              controls the engine. Use only on a trusted private network.
            </WarningNote>
          )}
        </fieldset>
      );
  }
}
