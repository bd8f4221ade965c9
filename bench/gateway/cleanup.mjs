/**
 * Undo steps, run last-in first-out exactly once: on normal exit, on failure and on Ctrl-C. A step
 * that fails is reported and the rest still run, so one stuck container cannot leave a server up.
 * A step added while or after cleaning up (work that was still under way when Ctrl-C came) is
 * run by the next `run()`.
 */
export class Cleanup {
  steps = [];
  running = Promise.resolve();

  add(name, step) {
    this.steps.push({ name, step });
  }

  run(log) {
    this.running = this.running.then(() => this.runSteps(log));
    return this.running;
  }

  async runSteps(log) {
    while (this.steps.length > 0) {
      const { name, step } = this.steps.pop();
      try {
        await step();
      } catch (error) {
        log(`cleanup: ${name} failed: ${error.message}`);
      }
    }
  }
}
