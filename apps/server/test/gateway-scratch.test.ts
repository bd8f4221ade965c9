import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { execSync } from 'node:child_process';
import { TestBerth } from './support/berth.js';
import { fleet } from './support/fleet.js';

describe('scratch', () => {
  let berth: TestBerth;
  let token: string;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    berth = await TestBerth.start({ LOG_LEVEL: 'debug' });
    token = await berth.adminToken();
    const f = fleet();
    ids.c = (
      await berth.addHost(token, {
        name: 'c',
        url: f.c.url,
        tls: { ca: f.c.ca, cert: f.c.cert, key: f.c.key },
      })
    ).id;
  });
  afterAll(() => berth.stop());
  it(`host c`, async () => {
    const out = execSync(
      `curl -sv -H 'Authorization: Bearer ${token}' ${berth.url}/api/hosts/${ids.c}/docker/v1.41/containers/json 2>&1 || true`,
    ).toString();
    console.log(out);
  }, 30000);
});
