import { expect, type Page } from '@playwright/test';
import { apiCall, requiredEnv } from './session';

export const BUSYBOX = 'local/busybox:latest';

/** The id of the host the e2e run registered (BERTH_E2E_HOST_NAME), asked as the signed-in admin. */
export async function e2eHostId(page: Page): Promise<string> {
  const hostName = requiredEnv('BERTH_E2E_HOST_NAME');
  const hosts = (await (await apiCall(page, 'GET', '/api/hosts')).json()) as {
    id: string;
    name: string;
  }[];
  const hostId = hosts.find((host) => host.name === hostName)?.id;
  if (!hostId) throw new Error(`host ${hostName} is not registered`);
  return hostId;
}

/** A busybox container made through the API; answers its id. */
export async function createContainer(
  page: Page,
  hostId: string,
  body: {
    name: string;
    cmd?: string[];
    start?: boolean;
    labels?: Record<string, string>;
    /** A memory limit: `64m`, `1g` or bytes. */
    memory?: string;
  },
): Promise<string> {
  const created = await apiCall(page, 'POST', `/api/hosts/${hostId}/containers`, {
    image: BUSYBOX,
    start: true,
    ...body,
  });
  expect(created.status()).toBe(201);
  return ((await created.json()) as { id: string }).id;
}

export async function removeContainers(page: Page, hostId: string, ids: string[]): Promise<void> {
  for (const id of ids) {
    await apiCall(page, 'DELETE', `/api/hosts/${hostId}/containers/${id}?force=true`);
  }
}
