'use client';

import { Upload } from 'lucide-react';
import { useId, useRef } from 'react';
import { Button } from '../ui/button';

/** A button that opens a file picker and hands over the chosen file's name and text. */
function FileButton({
  label,
  accept,
  onFile,
}: {
  label: string;
  accept: string;
  onFile: (name: string, text: string) => void;
}) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        id={id}
        ref={input}
        type="file"
        accept={accept}
        aria-label={label}
        className="sr-only"
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) void file.text().then((text) => onFile(file.name, text));
          event.target.value = '';
        }}
      />
      <Button onClick={() => input.current?.click()}>
        <Upload aria-hidden />
        {label}
      </Button>
    </>
  );
}

/**
 * Upload a compose file (it replaces the editor's text) and a `.env` file (its variables are added
 * by the server, after those typed below, which win).
 */
export function StackUploadFields({
  envFileName,
  onCompose,
  onEnvFile,
}: {
  envFileName: string | null;
  onCompose: (text: string) => void;
  onEnvFile: (file: { name: string; text: string } | null) => void;
}) {
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="stack-upload">
      <FileButton
        label="Upload compose file"
        accept=".yml,.yaml,application/yaml,text/yaml"
        onFile={(_name, text) => onCompose(text)}
      />
      <FileButton
        label="Upload .env"
        accept=".env,text/plain"
        onFile={(name, text) => onEnvFile({ name, text })}
      />
      {envFileName ? (
        <span className="flex items-center gap-2 text-xs">
          <span>
            Variables from <span className="font-mono">{envFileName}</span> are added on deploy.
          </span>
          <Button variant="ghost" onClick={() => onEnvFile(null)}>
            Remove {envFileName}
          </Button>
        </span>
      ) : null}
    </div>
  );
}
