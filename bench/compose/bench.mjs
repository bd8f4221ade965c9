// Time to deploy a 10-service stack: through Berth (REST, until the deployment has succeeded)
// against Debian's docker-compose 1.29.2 (`up -d`), both on the same fleet engine, one after the
// other, a few rounds each.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  ensureBuilt,
  makeDataDir,
  registerEngine,
  startBerth,
  stopBerth,
} from '../gateway/berth-server.mjs';
import { fleetEngine } from '../gateway/fleet.mjs';
import { berthTarget, callJson, closeTarget } from '../gateway/http-client.mjs';

export const TARGET_RATIO = 1.1;
const run = promisify(execFile);
const REPO = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const SERVICES = 10;

/** Ten services on the default network, each with its own named volume and environment. */
function composeFile(image) {
  const services = Array.from({ length: SERVICES }, (_, i) =>
    [
      `  svc${i}:`,
      `    image: ${image}`,
      `    command: [sh, -c, 'exec sleep 3600']`,
      `    environment: { INDEX: '${i}' }`,
      `    volumes: ['data${i}:/data']`,
      `    restart: unless-stopped`,
    ].join('\n'),
  );
  const volumes = Array.from({ length: SERVICES }, (_, i) => `  data${i}: {}`);
  return `services:\n${services.join('\n')}\nvolumes:\n${volumes.join('\n')}\n`;
}

async function dockerCompose(socketPath, dir, project, args) {
  await run('docker-compose', ['--ansi', 'never', '-p', project, ...args], {
    cwd: dir,
    env: { ...process.env, DOCKER_HOST: `unix://${socketPath}` },
    timeout: 300_000,
  });
}

async function berthDeploy(api, token, hostId, name, compose) {
  const auth = { authorization: `Bearer ${token}` };
  const started = performance.now();
  const { json } = await callJson(api, 'POST', `/api/hosts/${hostId}/stacks`, {
    body: { name, compose },
    headers: auth,
    expect: [201, 202],
  });
  for (;;) {
    const { json: list } = await callJson(api, 'GET', `/api/stacks/${json.id}/deployments`, {
      headers: auth,
    });
    const deployment = list.items.find((d) => d.id === json.deploymentId);
    if (deployment && deployment.status !== 'running' && deployment.status !== 'queued') {
      if (deployment.status !== 'succeeded')
        throw new Error(`Berth's deployment ended ${deployment.status}`);
      return { ms: performance.now() - started, stackId: json.id };
    }
    await sleep(20);
  }
}

async function berthDelete(api, token, stackId) {
  await callJson(api, 'DELETE', `/api/stacks/${stackId}?volumes=true`, {
    headers: { authorization: `Bearer ${token}` },
    expect: [200, 202, 204],
  });
  for (let i = 0; i < 600; i++) {
    const { status } = await callJson(api, 'GET', `/api/stacks/${stackId}`, {
      headers: { authorization: `Bearer ${token}` },
      expect: [200, 404],
    });
    if (status === 404) return;
    await sleep(100);
  }
  throw new Error('the bench stack was not deleted');
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * `rounds` deployments each way, alternating; returns the times in ms. Every step it takes is
 * undone by `cleanup`, also when it is interrupted half way.
 */
export async function benchCompose({ rounds, host, serverEntry }, cleanup, log) {
  const engine = await fleetEngine(REPO, host, log);
  const compose = composeFile(engine.image);
  const dir = mkdtempSync(join(tmpdir(), 'berth-compose-bench-'));
  cleanup.add('remove compose dir', () => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'docker-compose.yml'), compose);
  const dataDir = makeDataDir();
  cleanup.add('remove data dir', () => rmSync(dataDir, { recursive: true, force: true }));
  const server = await startBerth({
    entry: serverEntry ?? ensureBuilt(REPO, log),
    repoRoot: REPO,
    logLevel: 'warn',
    dataDir,
  });
  cleanup.add('stop Berth', () => stopBerth(server));
  const api = berthTarget(server.port);
  cleanup.add('close Berth connections', () => closeTarget(api));
  const times = { berth: [], reference: [] };
  const { token, hostId } = await registerEngine(server, engine.url, `compose-bench-${host}`);
  for (let round = 1; round <= rounds; round++) {
    const name = `bench${process.pid}r${round}`;
    log(`compose round ${round}/${rounds}: docker-compose up -d`);
    const down = () => dockerCompose(engine.socketPath, dir, `${name}ref`, ['down', '-v']);
    cleanup.add('docker-compose down', down);
    const started = performance.now();
    await dockerCompose(engine.socketPath, dir, `${name}ref`, ['up', '-d']);
    times.reference.push(performance.now() - started);
    await down();
    log(`compose round ${round}/${rounds}: Berth POST /api/hosts/:id/stacks`);
    // An interrupted deployment leaves its project behind: compose's labels find it.
    cleanup.add('remove the Berth stack', () =>
      dockerCompose(engine.socketPath, dir, `${name}berth`, ['down', '-v']),
    );
    const deployed = await berthDeploy(api, token, hostId, `${name}berth`, compose);
    times.berth.push(deployed.ms);
    await berthDelete(api, token, deployed.stackId);
  }
  return times;
}
