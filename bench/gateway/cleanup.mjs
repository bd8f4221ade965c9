/**
 * Undo steps, run last-in first-out exactly once: on normal exit, on failure and on Ctrl-C. A step
 * that fails is reported and the rest still run, so one stuck container cannot leave a server up.
 */
export class Cleanup {
  steps = [];
  running = null;

  add(name, step) {
    this.steps.push({ name, step });
  }

  run(log) {
    this.running ??= this.runSteps(log);
    return this.running;
  }

  async runSteps(log) {
    for (const { name, step } of this.steps.reverse()) {
      try {
        await step();
      } catch (error) {
        log(`cleanup: ${name} failed: ${error.message}`);
      }
    }
  }
}
