import { HostSelectField } from '../ui/host-select-field';
import { TextField } from '../ui/text-field';

/** Where a new stack goes: the host (among those the user may deploy stacks on) and its name. */
export function StackTargetFields({
  hostId,
  onHostId,
  hostError,
  name,
  onName,
  nameError,
}: {
  hostId: string;
  onHostId: (hostId: string) => void;
  hostError: string | undefined;
  name: string;
  onName: (name: string) => void;
  nameError: string | undefined;
}) {
  return (
    <>
      <HostSelectField
        label="Host"
        permission="stack.deploy"
        value={hostId}
        onValueChange={onHostId}
        error={hostError}
      />
      <TextField
        label="Name"
        mono
        autoComplete="off"
        value={name}
        onValueChange={onName}
        error={nameError}
        placeholder="shop"
      />
    </>
  );
}
