import { callJson } from '../gateway/http-client.mjs';

const API = '/v1.41';
/** Every volume the bench makes carries this label; its image tags are in `IMAGE_REPO`. */
const LABEL = 'berth.bench.list';
export const IMAGE_REPO = 'bench/list';
/** The engine serialises much of create; more lanes than this only queue. */
const LANES = 12;

/**
 * `count` volumes (`bench-vol-<run>-<n>`, labelled) and `count` tags of the fleet's image
 * (`bench/list:<run>-<n>`) on one engine. Tags are cheap; 500 distinct images (each an import
 * that writes a layer) drove this 2-core machine's load average over 200 for minutes. So the
 * volumes list has thousands of rows, the images list one row per image with 500 tags each.
 */
export async function seedResources(engine, image, { run, from, count }) {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const n = from + next++;
      await callJson(engine, 'POST', `${API}/volumes/create`, {
        body: { Name: `bench-vol-${run}-${n}`, Labels: { [LABEL]: run } },
        expect: [201],
      });
      await callJson(
        engine,
        'POST',
        `${API}/images/${encodeURIComponent(image)}/tag?repo=${IMAGE_REPO}&tag=${run}-${n}`,
        { expect: [201] },
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(LANES, count) }, lane));
}

/**
 * A list's first page the way a server without an inventory would answer it: every engine's
 * list (`/images/json`, `/volumes`) at once, merged, sorted by name then host, cut to `limit`.
 * Returns the number of rows, which Berth's answer must match.
 */
export async function directResourcePage(engines, kind, limit) {
  const lists = await Promise.all(
    engines.map((engine) =>
      callJson(engine.target, 'GET', kind === 'images' ? `${API}/images/json` : `${API}/volumes`),
    ),
  );
  const rows = lists.flatMap(({ json }, index) =>
    (kind === 'images' ? json : json.Volumes).map((raw) => ({
      host: engines[index].name,
      name: kind === 'images' ? (raw.RepoTags?.[0] ?? raw.Id) : raw.Name,
    })),
  );
  rows.sort((a, b) => a.name.localeCompare(b.name) || a.host.localeCompare(b.host));
  return { names: rows.slice(0, limit).map((row) => row.name), total: rows.length };
}
