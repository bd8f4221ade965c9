import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { ErrorBody, TUserName } from '@berth/shared';
import { TestBerth } from './support/berth.js';

/**
 * Names for owner labels (`GET /api/users/names`): any signed-in user learns the names of
 * themselves and their team mates, administrators anyone's; strangers and unknown ids are left
 * out; too many ids are refused naming the field; signed out is 401.
 */
jest.setTimeout(60_000);

const RUN = randomBytes(4).toString('hex');
const PASSWORD = 'user-names-password-1';

let berth: TestBerth;
let admin: string;
const ids: Record<'alice' | 'bob' | 'carol', string> = { alice: '', bob: '', carol: '' };
let aliceToken: string;

const names = (token: string | undefined, list: string[]) =>
  berth.api<TUserName[]>('GET', `/api/users/names?ids=${list.join(',')}`, { token });

beforeAll(async () => {
  berth = await TestBerth.start();
  admin = await berth.adminToken();
  for (const who of ['alice', 'bob', 'carol'] as const) {
    const res = await berth.api<{ id: string }>('POST', '/api/users', {
      token: admin,
      body: {
        username: `${who}-${RUN}`,
        password: PASSWORD,
        ...(who === 'bob' ? { displayName: `Bob ${RUN}` } : {}),
      },
    });
    ids[who] = res.body.id;
  }
  const team = await berth.api<{ id: string }>('POST', '/api/teams', {
    token: admin,
    body: { name: `team-${RUN}` },
  });
  for (const who of ['alice', 'bob'] as const) {
    await berth.api('POST', `/api/teams/${team.body.id}/members`, {
      token: admin,
      body: { userId: ids[who] },
    });
  }
  aliceToken = (await berth.createToken(await berth.signIn(`alice-${RUN}`, PASSWORD))).token;
});

afterAll(async () => {
  await berth?.stop();
});

const sorted = (list: TUserName[]) => [...list].sort((a, b) => a.name.localeCompare(b.name));

describe('names for owner labels', () => {
  it('tells a user their own name and their team mates’, never a stranger’s', async () => {
    const res = await names(aliceToken, [ids.alice, ids.bob, ids.carol, 'no-such-user']);
    expect(res.status).toBe(200);
    expect(sorted(res.body)).toEqual([
      { id: ids.alice, name: `alice-${RUN}` },
      { id: ids.bob, name: `Bob ${RUN}` },
    ]);
  });

  it('tells an administrator anyone’s name', async () => {
    const res = await names(admin, [ids.carol, ids.bob]);
    expect(sorted(res.body)).toEqual([
      { id: ids.bob, name: `Bob ${RUN}` },
      { id: ids.carol, name: `carol-${RUN}` },
    ]);
  });

  it('refuses more than 100 ids naming the field, and anyone signed out', async () => {
    const many = Array.from({ length: 101 }, (_, i) => `u${i}`);
    const res = (await names(aliceToken, many)) as unknown as { status: number; body: ErrorBody };
    expect(res.status).toBe(400);
    expect(res.body.error.details?.issues).toEqual([{ path: 'ids', message: 'at most 100 ids' }]);
    expect((await names(undefined, [ids.alice])).status).toBe(401);
  });
});
