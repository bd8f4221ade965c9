import { resolve } from 'node:path';
import { BERTH_VERSION } from '@berth/shared';
import { z } from 'zod';

/** Raised when the environment is wrong; main prints its message as one line and exits. */
export class ConfigError extends Error {}

const ZEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  BERTH_BIND: z.string().min(1).default('0.0.0.0'),
  BERTH_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .refine(
      (url) => /^(file:|postgres(ql)?:\/\/)/.test(url),
      'must start with file: or postgresql://',
    )
    .optional(),
  REDIS_URL: z
    .string()
    .refine((url) => /^rediss?:\/\//.test(url), 'must start with redis:// or rediss://')
    .optional(),
  BERTH_SECRET_KEY: z
    .string()
    .refine(
      (key) => /^[0-9a-fA-F]{64}$/.test(key) || Buffer.from(key, 'base64').length === 32,
      'must be 32 bytes as 64 hex characters or base64',
    )
    .optional(),
  BERTH_ADMIN_USER: z.string().min(2).default('admin'),
  BERTH_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  BERTH_LOCAL_SOCKET: z.string().default('/var/run/docker.sock'),
  BERTH_HEALTH_INTERVAL_MS: z.coerce.number().int().min(200).max(600_000).default(3000),
  BERTH_ENGINE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  BERTH_REQUEST_IDLE_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  BERTH_CONSOLE_GRACE_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  BERTH_WEBHOOK_JOB_LOCK_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  BERTH_SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 365)
    .default(24 * 7),
  BERTH_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(0),
  BERTH_WEB: z.enum(['on', 'off']).default('on'),
  BERTH_WEB_DIR: z.string().optional(),
  BERTH_TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  BERTH_ECR_ENDPOINT: z.url().optional(),
  BERTH_UPDATE_CHECK_MINUTES: z.coerce.number().int().min(0).max(10_080).default(360),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  port: number;
  bind: string;
  dataDir: string;
  database: { provider: 'sqlite' | 'postgresql'; url: string };
  /** Redis for several replicas (socket.io adapter, leases, locks); null: one server, nothing shared. */
  redisUrl: string | null;
  secretKey: Buffer | null;
  admin: { username: string; password: string | null };
  localSocket: string | null;
  healthIntervalMs: number;
  engineTimeoutMs: number;
  /** How long a client may pause while sending a request body to the gateway. */
  requestIdleMs: number;
  sessionTtlMs: number;
  /** How long a console whose connection dropped waits to be resumed before it ends. */
  consoleGraceMs: number;
  /**
   * With replicas: how long a webhook job stays with a replica that stopped renewing it (a killed
   * one) before another's worker runs it again.
   */
  webhookJobLockMs: number;
  /** Audit records older than this many days are deleted daily; 0 keeps them forever. */
  auditRetentionDays: number;
  web: { enabled: boolean; dir: string };
  trustProxy: boolean;
  /** Where ECR's API is asked for registry passwords instead of AWS's regional endpoint. */
  ecrEndpoint: string | null;
  /** Running containers' images are compared with their registries this often; 0: only on demand. */
  updateCheckMinutes: number;
  logLevel: z.infer<typeof ZEnv>['LOG_LEVEL'];
  version: string;
}

export const CONFIG = Symbol('CONFIG');

/** Reads and checks the environment; a wrong value throws a ConfigError naming the variable. */
export function loadConfig(env: Record<string, string | undefined>, cwd = process.cwd()): Config {
  // An empty value means unset (compose files pass `${VAR:-}`), except where empty has a meaning.
  const given = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => value !== '' || key === 'BERTH_LOCAL_SOCKET'),
  );
  const parsed = ZEnv.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(`invalid ${name}: ${issue?.message ?? 'invalid value'}`);
  }
  const e = parsed.data;
  const dataDir = resolve(cwd, e.BERTH_DATA_DIR);
  const url = e.DATABASE_URL ?? `file:${resolve(dataDir, 'berth.db')}`;
  return {
    port: e.PORT,
    bind: e.BERTH_BIND,
    dataDir,
    database: { provider: url.startsWith('file:') ? 'sqlite' : 'postgresql', url },
    redisUrl: e.REDIS_URL ?? null,
    secretKey: e.BERTH_SECRET_KEY ? decodeKey(e.BERTH_SECRET_KEY) : null,
    admin: { username: e.BERTH_ADMIN_USER, password: e.BERTH_ADMIN_PASSWORD ?? null },
    localSocket: e.BERTH_LOCAL_SOCKET === '' ? null : e.BERTH_LOCAL_SOCKET,
    healthIntervalMs: e.BERTH_HEALTH_INTERVAL_MS,
    engineTimeoutMs: e.BERTH_ENGINE_TIMEOUT_MS,
    requestIdleMs: e.BERTH_REQUEST_IDLE_MS,
    sessionTtlMs: e.BERTH_SESSION_TTL_HOURS * 3_600_000,
    consoleGraceMs: e.BERTH_CONSOLE_GRACE_MS,
    webhookJobLockMs: e.BERTH_WEBHOOK_JOB_LOCK_MS,
    auditRetentionDays: e.BERTH_AUDIT_RETENTION_DAYS,
    web: {
      enabled: e.BERTH_WEB === 'on',
      dir: resolve(cwd, e.BERTH_WEB_DIR ?? defaultWebDir(cwd)),
    },
    trustProxy: e.BERTH_TRUST_PROXY === 'true',
    ecrEndpoint: e.BERTH_ECR_ENDPOINT ?? null,
    updateCheckMinutes: e.BERTH_UPDATE_CHECK_MINUTES,
    logLevel: e.LOG_LEVEL,
    version: BERTH_VERSION,
  };
}

export function decodeKey(key: string): Buffer {
  return /^[0-9a-fA-F]{64}$/.test(key) ? Buffer.from(key, 'hex') : Buffer.from(key, 'base64');
}

function defaultWebDir(cwd: string): string {
  // `npm start` runs from the repository root; the server's own package script from apps/server.
  return cwd.endsWith('/apps/server') ? '../web' : 'apps/web';
}

/** The database URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
