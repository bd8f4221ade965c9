/**
 * One run at a time per key, and bursts coalesced: a start while a run is going asks for exactly
 * one more run after it, however many calls came meanwhile.
 */
export class CoalescedRuns {
  private readonly running = new Map<string, { again: boolean }>();

  /** Starts `work` for `key`, or marks one more run after the current one: which it did. */
  start(key: string, work: () => Promise<void>): 'running' | 'queued' {
    const current = this.running.get(key);
    if (current) {
      current.again = true;
      return 'queued';
    }
    const slot = { again: false };
    this.running.set(key, slot);
    void (async () => {
      try {
        do {
          slot.again = false;
          await work();
        } while (slot.again);
      } finally {
        this.running.delete(key);
      }
    })();
    return 'running';
  }
}
