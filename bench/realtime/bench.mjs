import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureBuilt, registerEngine, startCleanedBerth } from '../gateway/berth-server.mjs';
import { API, EngineFixtures } from '../gateway/engine-fixtures.mjs';
import { fleetEngine } from '../gateway/fleet.mjs';
import { callJson, closeTarget, engineTarget } from '../gateway/http-client.mjs';
import { pct } from '../gateway/report.mjs';
import { startEngineCounter } from './engine-counter.mjs';
import { openSocket } from './socket.mjs';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const VIEWERS = 100;
export const TARGET_RATIO = 0.8;
/** 100 lines of 100 bytes every 0.1 s: about 100 kB/s, a chatty service rather than a flood. */
const WRITER = `while true; do yes 'berth-realtime ${'x'.repeat(84)}' | head -n 100; sleep 0.1; done`;

/**
 * One container's live log to 100 socket.io viewers through Berth, against `docker logs -f` on
 * the engine's socket, both following the same container in the same window. Bytes are line
 * text plus its newline on both sides, so the comparison is of content, not of framing.
 */
export async function benchRealtime(options, cleanup, log) {
  const engine = await fleetEngine(REPO_ROOT, options.host, log);
  const direct = engineTarget(engine.socketPath);
  cleanup.add('close engine connections', () => closeTarget(direct));
  const fixtures = new EngineFixtures(direct, engine.image);
  await fixtures.assertImage();
  cleanup.add('remove the log writer', () => fixtures.removeAll());
  const containerId = await fixtures.create(['sh', '-c', WRITER]);
  await callJson(direct, 'POST', `${API}/containers/${containerId}/start`, { expect: [204] });

  const entry = options.serverEntry ?? ensureBuilt(REPO_ROOT, log);
  log('realtime: starting Berth…');
  const server = await startCleanedBerth(cleanup, { entry, repoRoot: REPO_ROOT });
  // Berth reaches the engine through a counter of its follow log requests.
  const tapDir = mkdtempSync(join(tmpdir(), 'berth-bench-tap-'));
  cleanup.add('remove the counter socket', () => rmSync(tapDir, { recursive: true, force: true }));
  const counter = await startEngineCounter(
    join(tapDir, 'engine.sock'),
    engine.socketPath,
    new RegExp(`^GET \\S*/containers/${containerId}/logs\\?\\S*follow=(1|true)`),
  );
  cleanup.add('stop the counter', () => counter.stop());
  const { token, hostId } = await registerEngine(server, counter.url, `realtime-${options.host}`);

  log(`realtime: ${VIEWERS} viewers and docker logs -f on one container…`);
  const follower = followDirect(engine.socketPath, containerId);
  cleanup.add('stop docker logs -f', () => follower.stop());
  const viewers = [];
  cleanup.add('disconnect viewers', () => viewers.forEach((v) => v.socket.disconnect()));
  for (let i = 0; i < VIEWERS; i++) {
    viewers.push(await openViewer(server.port, token, { hostId, containerId }));
  }
  await sleep(options.warmupMs);
  const start = { direct: follower.bytes, viewers: viewers.map((v) => v.bytes) };
  const startedAt = performance.now();
  await sleep(options.durationMs);
  const seconds = (performance.now() - startedAt) / 1000;
  const directRate = (follower.bytes - start.direct) / seconds;
  const rates = viewers.map((v, i) => (v.bytes - start.viewers[i]) / seconds);
  const ended = viewers.filter((v) => v.ended !== null);
  if (ended.length > 0) throw new Error(`a log subscription ended: ${ended[0].ended}`);
  const mean = rates.reduce((sum, r) => sum + r, 0) / rates.length;
  const slowest = Math.min(...rates);
  const upstreams = counter.matched;
  const context = {
    viewers: VIEWERS,
    seconds,
    directRate,
    rates,
    engineLogStreams: upstreams,
  };
  const rows = [
    rateRow('log stream, mean per viewer', mean, directRate, TARGET_RATIO),
    rateRow('log stream, slowest viewer', slowest, directRate, null),
    {
      measurement: `log stream, all ${VIEWERS} viewers`,
      berth: kbps(mean * VIEWERS),
      reference: `direct ${kbps(directRate)}`,
      ratio: `${((mean * VIEWERS) / directRate).toFixed(1)}×`,
      target: '',
      pass: null,
    },
    {
      measurement: `engine log streams opened for ${VIEWERS} viewers`,
      berth: String(upstreams),
      reference: `docker logs -f 1 per viewer`,
      ratio: '',
      target: 'one upstream stream',
      pass: upstreams === 1,
    },
  ];
  return { rows, context };
}

function rateRow(measurement, berth, direct, target) {
  const ratio = berth / direct;
  return {
    measurement,
    berth: kbps(berth),
    reference: `docker logs -f ${kbps(direct)}`,
    ratio: pct(ratio),
    target: target === null ? '' : `≥ ${pct(target)} of direct`,
    pass: target === null ? null : ratio >= target,
  };
}

function kbps(bytesPerSecond) {
  return `${(bytesPerSecond / 1000).toFixed(1)} kB/s`;
}

/** A dashboard's log view: a socket signed in with the token, following from now (tail 0). */
async function openViewer(port, token, { hostId, containerId }) {
  const socket = await openSocket(port, token);
  const viewer = { socket, bytes: 0, ended: null };
  socket.on('logs.lines', ({ lines }) => {
    for (const line of lines) viewer.bytes += Buffer.byteLength(line.text) + 1;
  });
  socket.on('subscription.end', ({ reason }) => (viewer.ended = reason));
  const answer = await socket
    .timeout(30_000)
    .emitWithAck('logs.subscribe', { hostId, containerId, follow: true, tail: 0 });
  if (!answer.ok) throw new Error(`logs.subscribe: ${answer.error.message}`);
  return viewer;
}

/** `docker logs -f` as the CLI asks for it, counting the payload of the multiplexed frames. */
function followDirect(socketPath, containerId) {
  const target = engineTarget(socketPath);
  const abort = new AbortController();
  const follower = {
    bytes: 0,
    stop: () => {
      abort.abort();
      closeTarget(target);
    },
  };
  const path = `${API}/containers/${containerId}/logs?follow=1&stdout=1&stderr=1&tail=0`;
  const req = request({ ...target.connect, path, headers: target.headers, signal: abort.signal });
  req.on('response', (res) => {
    let pending = Buffer.alloc(0);
    res.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      // Frames: 8-byte header (stream, 3 zero bytes, big-endian payload length), then payload.
      while (pending.length >= 8 && pending.length >= 8 + pending.readUInt32BE(4)) {
        const size = pending.readUInt32BE(4);
        follower.bytes += size;
        pending = pending.subarray(8 + size);
      }
    });
    // Ending it at cleanup aborts the response; nothing to report then.
    res.on('error', () => {});
  });
  req.on('error', () => {});
  req.end();
  return follower;
}
