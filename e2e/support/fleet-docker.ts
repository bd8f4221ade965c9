import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { fleetValue } from './fleet';
import { apiCall } from './session';

/**
 * The docker CLI against the fleet's engines directly (outside Berth), with a config directory of
 * its own so that a `docker login` stays with this spec. Builds use the classic builder.
 */
export class FleetDocker {
  private readonly config = mkdtempSync(join(tmpdir(), 'berth-e2e-docker-'));

  /** Runs `docker` on the engine whose URL is the fleet setting `host` (e.g. BERTH_FLEET_A_URL). */
  run(host: string, args: string[], input?: string): string {
    return execFileSync('/usr/bin/docker', ['-H', fleetValue(host), ...args], {
      env: { ...process.env, DOCKER_CONFIG: this.config, DOCKER_BUILDKIT: '0' },
      ...(input === undefined ? {} : { input }),
      stdio: ['pipe', 'pipe', 'pipe'],
    })
      .toString()
      .trim();
  }

  /** Removes the containers, then the images, labelled `label` on each host; its login goes too. */
  cleanUp(hosts: readonly string[], label: string): void {
    rmSync(this.config, { recursive: true, force: true });
    for (const host of hosts) {
      for (const [list, remove] of [
        [
          ['ps', '-aq'],
          ['rm', '-f'],
        ],
        [
          ['images', '-q'],
          ['rmi', '-f'],
        ],
      ]) {
        try {
          const ids = this.run(host, [...list!, '--filter', `label=${label}`]).split('\n');
          const mine = [...new Set(ids.filter(Boolean))];
          if (mine.length > 0) this.run(host, [...remove!, ...mine]);
        } catch {
          // Already gone.
        }
      }
    }
  }
}

/**
 * Stores the fleet's password registry in Berth under `name`, with its login. Another spec may
 * have stored that address already (it is unique): then that one is used. Answers its id and
 * whether it was stored here (only then is it the caller's to remove).
 */
export async function storeFleetRegistry(
  page: Page,
  name: string,
): Promise<{ id: string; stored: boolean }> {
  const serverAddress = fleetValue('BERTH_FLEET_REGISTRY');
  const stored = await apiCall(page, 'POST', '/api/registries', {
    name,
    serverAddress,
    username: fleetValue('BERTH_FLEET_REGISTRY_USER'),
    password: fleetValue('BERTH_FLEET_REGISTRY_PASSWORD'),
  });
  if (stored.status() === 409) {
    const list = (await (await apiCall(page, 'GET', '/api/registries')).json()) as {
      id: string;
      serverAddress: string;
    }[];
    const existing = list.find((r) => r.serverAddress === serverAddress);
    expect(existing, `a registry for ${serverAddress}`).toBeDefined();
    return { id: existing!.id, stored: false };
  }
  expect(stored.status()).toBe(201);
  return { id: ((await stored.json()) as { id: string }).id, stored: true };
}
