import { PasswordHasher } from '../../src/auth/password-hasher.js';
import { PrismaService } from '../../src/database/prisma.service.js';
import type { TestBerth } from './berth.js';

const PASSWORD = 'granted-user-password-1';

/** A new user with one built-in role on one host, signed in: an API token of theirs. */
export async function grantedUserToken(
  berth: TestBerth,
  username: string,
  hostId: string,
  role: string,
): Promise<string> {
  const app = berth.server.app;
  const db = app.get(PrismaService).db;
  const passwordHash = await app.get(PasswordHasher).hash(PASSWORD);
  const user = await db.user.create({ data: { username, passwordHash } });
  await db.grant.create({ data: { userId: user.id, hostId, role } });
  return (await berth.createToken(await berth.signIn(username, PASSWORD))).token;
}
