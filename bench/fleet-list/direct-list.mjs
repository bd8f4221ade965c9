import { callJson } from '../gateway/http-client.mjs';

const STATES = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];

/**
 * The fleet list's first page the way a server without an inventory would answer it: every
 * engine's `GET /containers/json?all=1` at once, merged, filtered (`q` over name, image and
 * labels; `state`), sorted as Berth sorts (the sort field, then name, host and id) and cut to
 * `limit`. Returns what Berth's API returns: the page's names and the number of matches.
 */
export async function directPage(engines, query) {
  const lists = await Promise.all(
    engines.map((engine) => callJson(engine.target, 'GET', '/v1.41/containers/json?all=1')),
  );
  const q = query.q?.toLowerCase() ?? '';
  const rows = [];
  lists.forEach(({ json }, index) => {
    const host = engines[index].name;
    for (const raw of json) {
      const row = toRow(raw, host);
      if (query.state && row.state !== query.state) continue;
      if (q && !row.search.includes(q)) continue;
      rows.push(row);
    }
  });
  const sign = query.order === 'desc' ? -1 : 1;
  const primary = query.sort === 'created' ? (row) => row.createdMs : (row) => row.lower;
  rows.sort(
    (a, b) =>
      sign * compare([primary(a), a.lower, a.host, a.id], [primary(b), b.lower, b.host, b.id]),
  );
  return { names: rows.slice(0, query.limit).map((row) => row.name), total: rows.length };
}

function toRow(raw, host) {
  const name = (raw.Names?.[0] ?? raw.Id.slice(0, 12)).replace(/^\//, '');
  const labels = raw.Labels ?? {};
  return {
    id: raw.Id,
    host,
    name,
    lower: name.toLowerCase(),
    state: STATES.includes(raw.State) ? raw.State : 'dead',
    createdMs: (raw.Created ?? 0) * 1000,
    search: [name, raw.Image ?? '', ...Object.entries(labels).flat()].join('\n').toLowerCase(),
  };
}

function compare(a, b) {
  for (let i = 0; i < a.length; i += 1) {
    if (a[i] < b[i]) return -1;
    if (a[i] > b[i]) return 1;
  }
  return 0;
}
