// Runs a Berth entry point with the V8 profiler under SIGUSR2: the first signal starts a CPU
// profile, the second writes it to BENCH_PROFILE_OUT. Used by profile.mjs, so only the measured
// part of a cell is profiled, not start-up or sign-in.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { pathToFileURL } from 'node:url';

const entry = process.env.BENCH_PROFILE_ENTRY;
const out = process.env.BENCH_PROFILE_OUT;
if (!entry || !out) throw new Error('BENCH_PROFILE_ENTRY and BENCH_PROFILE_OUT must be set');

const session = new Session();
session.connect();
const post = (method, params = {}) =>
  new Promise((resolve, reject) =>
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
  );

let profiling = false;
process.on('SIGUSR2', () => {
  profiling = !profiling;
  const step = profiling
    ? post('Profiler.enable')
        .then(() => post('Profiler.setSamplingInterval', { interval: 100 }))
        .then(() => post('Profiler.start'))
    : post('Profiler.stop').then(({ profile }) => writeFileSync(out, JSON.stringify(profile)));
  step.catch((error) => process.stderr.write(`profiler: ${error.message}\n`));
});

await import(pathToFileURL(entry).href);
