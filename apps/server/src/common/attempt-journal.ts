/**
 * What a change that may be attempted again for the same request (a webhook job another replica
 * takes over) keeps between its attempts: written by the first before its first engine change,
 * read (unchecked: each change parses its own entry) by the next.
 */
export interface AttemptJournal<Entry> {
  read(): Promise<unknown>;
  write(entry: Entry): Promise<void>;
}
