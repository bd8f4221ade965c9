/** How much of a console's latest output is kept for a viewer that comes back (characters). */
export const CONSOLE_BACKLOG_CHARS = 64 * 1024;

/**
 * The latest output of one console, numbered from its start: `end` counts every character ever
 * written, so a viewer that says how much it received gets exactly the rest, as far as it is
 * still kept. Older output is dropped chunk by chunk (a chunk cut at the front if it must be).
 */
export class ConsoleBacklog {
  private chunks: string[] = [];
  private kept = 0;
  /** Characters written since the session started. */
  end = 0;

  constructor(private readonly limit = CONSOLE_BACKLOG_CHARS) {}

  /** Where the oldest character still kept stands. */
  get start(): number {
    return this.end - this.kept;
  }

  append(text: string): void {
    if (!text) return;
    this.chunks.push(text);
    this.kept += text.length;
    this.end += text.length;
    while (this.kept > this.limit) {
      const first = this.chunks[0]!;
      const over = this.kept - this.limit;
      if (first.length <= over) {
        this.chunks.shift();
        this.kept -= first.length;
      } else {
        this.chunks[0] = first.slice(over);
        this.kept -= over;
      }
    }
  }

  /** What was written after `offset` characters, from the oldest kept when that is gone. */
  since(offset: number): string {
    const from = Math.max(offset, this.start);
    if (from >= this.end) return '';
    return this.chunks.join('').slice(from - this.start);
  }
}
