import type { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { CONFIG, type Config } from '../config/config.js';
import { ClusterBus } from '../database/cluster-bus.js';
import { PrismaService } from '../database/prisma.service.js';
import type { Principal, PrincipalUser } from './principal.js';
import { digest } from './secrets.js';
import { readSessionCookie } from './session-cookie.js';

const CACHE_TTL_MS = 5_000;
const CACHE_MAX = 10_000;
const TOUCH_AFTER_MS = 60_000;

/** Told when a credential (of a known user, or of nobody known) may have stopped being valid. */
export type CredentialChangeListener = (userId: string | null) => void;

/**
 * Resolves a request's credential (bearer API token or session cookie) to a principal. Used by the
 * REST guard, the gateway and socket.io alike. Lookups are cached for a few seconds because the
 * gateway authenticates every proxied call; revocation and sign-out evict at once, on this replica
 * and (through the ClusterBus) on the others.
 */
@Injectable()
export class Authenticator {
  /** Principals by credential digest; the least recently used make way when it is full. */
  private readonly cache = new LRUCache<string, Principal>({ max: CACHE_MAX, ttl: CACHE_TTL_MS });
  private readonly listeners: CredentialChangeListener[] = [];

  constructor(
    private readonly prisma: PrismaService,
    private readonly cluster: ClusterBus,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    cluster.onMessage((message) => {
      if (message.kind !== 'credentials') return;
      if (message.digest) this.drop(message.digest);
      else if (message.userId) this.dropUser(message.userId);
      else this.dropAll();
    });
  }

  async authenticate(req: IncomingMessage): Promise<Principal | null> {
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) return this.fromToken(header.slice(7).trim());
    const session = readSessionCookie(req);
    return session ? this.fromSession(session) : null;
  }

  /**
   * Long-lived connections (socket.io) authenticate once; they listen here to check their
   * credential again when it is revoked, signed out, or its user disabled or changed.
   */
  onCredentialChange(listener: CredentialChangeListener): void {
    this.listeners.push(listener);
  }

  /** Drops one cached credential (signed out, session or token revoked), on every replica. */
  evict(secretDigest: string): void {
    this.drop(secretDigest);
    this.cluster.publish({ kind: 'credentials', digest: secretDigest, userId: null });
  }

  /** Drops every cached credential of a user (disabled, deleted, new password, admin flag). */
  evictUser(userId: string): void {
    this.dropUser(userId);
    this.cluster.publish({ kind: 'credentials', digest: null, userId });
  }

  private drop(secretDigest: string): void {
    // Even an expired entry names its user, so listeners check only that user's connections.
    const userId = this.cache.peek(secretDigest, { allowStale: true })?.user.id ?? null;
    this.cache.delete(secretDigest);
    this.notify(userId);
  }

  private dropUser(userId: string): void {
    for (const [key, principal] of this.cache.entries()) {
      if (principal.user.id === userId) this.cache.delete(key);
    }
    this.notify(userId);
  }

  private dropAll(): void {
    this.cache.clear();
    this.notify(null);
  }

  private notify(userId: string | null): void {
    for (const listener of this.listeners) listener(userId);
  }

  private async fromToken(token: string): Promise<Principal | null> {
    const key = digest(token);
    const hit = this.cache.get(key);
    if (hit) return hit;
    const row = await this.prisma.db.apiToken.findUnique({
      where: { tokenHash: key },
      include: { user: true },
    });
    const now = new Date();
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now) || row.user.disabled)
      return null;
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_AFTER_MS) {
      await this.prisma.db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
    }
    const principal: Principal = { kind: 'token', user: userOf(row.user), tokenId: row.id };
    this.remember(key, principal, row.expiresAt);
    return principal;
  }

  private async fromSession(secret: string): Promise<Principal | null> {
    const key = digest(secret);
    const hit = this.cache.get(key);
    if (hit) return hit;
    const row = await this.prisma.db.session.findUnique({
      where: { id: key },
      include: { user: true },
    });
    const now = new Date();
    if (!row || row.expiresAt <= now || row.user.disabled) return null;
    if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_AFTER_MS) {
      await this.prisma.db.session.update({ where: { id: key }, data: { lastSeenAt: now } });
    }
    const principal: Principal = {
      kind: 'session',
      user: userOf(row.user),
      sessionId: key,
      csrfToken: row.csrfToken,
    };
    this.remember(key, principal, row.expiresAt);
    return principal;
  }

  /** Kept for CACHE_TTL_MS, never past the credential's own expiry. */
  private remember(key: string, principal: Principal, expiresAt: Date | null): void {
    const ttl = Math.min(CACHE_TTL_MS, (expiresAt?.getTime() ?? Infinity) - Date.now());
    // lru-cache reads a ttl of 0 as "never expires": a credential expiring now is not kept.
    if (ttl > 0) this.cache.set(key, principal, { ttl });
  }

  get sessionTtlMs(): number {
    return this.config.sessionTtlMs;
  }
}

function userOf(user: {
  id: string;
  username: string;
  displayName: string;
  isAdmin: boolean;
}): PrincipalUser {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    isAdmin: user.isAdmin,
  };
}
