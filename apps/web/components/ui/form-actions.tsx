import { Button } from './button';
import { ErrorNotice } from './error-notice';

interface FormActionsProps {
  /** What the API answered, when it refused. */
  error: unknown;
  pending: boolean;
  submitLabel: string;
  pendingLabel: string;
  onCancel?: () => void;
}

/** The end of a form: the API's refusal, Cancel and the submit button. */
export function FormActions({
  error,
  pending,
  submitLabel,
  pendingLabel,
  onCancel,
}: FormActionsProps) {
  return (
    <>
      {error ? <ErrorNotice error={error} /> : null}
      <div className="flex justify-end gap-2">
        {onCancel ? <Button onClick={onCancel}>Cancel</Button> : null}
        <Button type="submit" variant="primary" disabled={pending}>
          {pending ? pendingLabel : submitLabel}
        </Button>
      </div>
    </>
  );
}
