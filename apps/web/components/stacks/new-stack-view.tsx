'use client';

import { parseComposeDraft, useComposeDraftText } from '@/lib/stack-adoption-queries';
import { StackForm } from './stack-form';

/** A new stack's form, started from the compose file made of containers when `draft` names one. */
export function NewStackView({ draft }: { draft?: string }) {
  const text = useComposeDraftText(draft);
  // The form takes its first values once: it starts again when the draft is read in the browser.
  return <StackForm key={text ?? ''} start={parseComposeDraft(text)} />;
}
