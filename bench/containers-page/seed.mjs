import { callJson } from '../gateway/http-client.mjs';

const API = '/v1.41';
/** Every bench container carries `berth.bench=1`; this one says which bench made it. */
export const PAGE_LABEL = 'berth.bench.page';
/** The engine serialises much of create and remove; more lanes than this only queue. */
const LANES = 12;

/**
 * Created, never started containers on one engine, named `bench-page-<run>-<n>`, so the fleet
 * list has thousands of rows without thousands of processes.
 */
export async function seedContainers(engine, image, { run, from, count, onProgress }) {
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < count) {
      const n = from + next++;
      await callJson(engine, 'POST', `${API}/containers/create?name=bench-page-${run}-${n}`, {
        body: {
          Image: image,
          Cmd: ['sleep', '3600'],
          Labels: { 'berth.bench': '1', [PAGE_LABEL]: run, app: `app-${n % 50}` },
        },
        expect: [201],
      });
      done += 1;
      if (done % 250 === 0) onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LANES, count) }, lane));
}

/** Removes this bench's containers from an engine: this run's and any an interrupted run left. */
export async function removeSeeded(engine) {
  const filters = encodeURIComponent(JSON.stringify({ label: [PAGE_LABEL] }));
  const { json } = await callJson(engine, 'GET', `${API}/containers/json?all=1&filters=${filters}`);
  let next = 0;
  const lane = async () => {
    while (next < json.length) {
      const { Id } = json[next++];
      await callJson(engine, 'DELETE', `${API}/containers/${Id}?force=1&v=1`, {
        expect: [204, 404],
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(LANES, json.length) }, lane));
  return json.length;
}

/** Containers on the engine now, the bench's and anyone else's. */
export async function countContainers(engine) {
  const { json } = await callJson(engine, 'GET', `${API}/containers/json?all=1`);
  return json.length;
}
