import { callJson } from './http-client.mjs';

export const API = '/v1.41';
const LABEL = 'berth.bench';
/** One log line of 100 bytes with its newline: a typical application log line, not a worst case. */
const LOG_LINE = 'berth-bench '.padEnd(99, 'x');

/**
 * Containers the bench owns on the engine. Everything carries the label `berth.bench=1`, so a run
 * that was killed before its cleanup is swept up by the next one.
 */
export class EngineFixtures {
  constructor(engine, image) {
    this.engine = engine;
    this.image = image;
  }

  async assertImage() {
    const res = await callJson(this.engine, 'GET', `${API}/images/${this.image}/json`, {
      expect: [200, 404],
    });
    if (res.status === 404) {
      throw new Error(
        `image ${this.image} is missing on the engine: run scripts/fleet/fleet.sh up`,
      );
    }
  }

  /** Created, never started: they only make `containers/json` answer a realistic list. */
  async createIdle(count) {
    const ids = [];
    await inBatches(count, 8, async () => {
      ids.push(await this.create(['sleep', '3600']));
    });
    return ids;
  }

  /** A container that wrote `bytes` of stdout and exited, so its log is fixed while it is read. */
  async createLogged(bytes) {
    const id = await this.create(['sh', '-c', `yes '${LOG_LINE}' | head -c ${bytes}`]);
    await callJson(this.engine, 'POST', `${API}/containers/${id}/start`, { expect: [204] });
    const { json } = await callJson(this.engine, 'POST', `${API}/containers/${id}/wait`);
    if (json.StatusCode !== 0) throw new Error(`log writer exited with ${json.StatusCode}`);
    return id;
  }

  /** Removes every bench container, ours and any left behind by an interrupted run. */
  async removeAll() {
    const filters = encodeURIComponent(JSON.stringify({ label: [`${LABEL}=1`] }));
    const { json } = await callJson(
      this.engine,
      'GET',
      `${API}/containers/json?all=1&filters=${filters}`,
    );
    await inBatches(json.length, 8, async (i) => {
      await callJson(this.engine, 'DELETE', `${API}/containers/${json[i].Id}?force=1&v=1`, {
        expect: [204, 404],
      });
    });
    return json.length;
  }

  async create(cmd) {
    const { json } = await callJson(this.engine, 'POST', `${API}/containers/create`, {
      body: { Image: this.image, Cmd: cmd, Labels: { [LABEL]: '1' } },
      expect: [201],
    });
    return json.Id;
  }
}

/** Runs `task(i)` for i < count, `width` at a time: the engine serialises much of create anyway. */
async function inBatches(count, width, task) {
  let next = 0;
  const lane = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, lane));
}
