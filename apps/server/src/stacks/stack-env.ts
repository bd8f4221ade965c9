import { DotEnvError, parseDotEnv } from '@berth/compose';
import { SECRET_MASK, type TStackEnvEntry } from '@berth/shared';
import { AppError } from '../common/app-error.js';
import type { Vault } from '../vault/vault.js';

const MASK = SECRET_MASK;

/** Variables are stored as one vault envelope; the database never holds a value in the clear. */
export function sealEnv(vault: Vault, env: TStackEnvEntry[]): string {
  return env.length === 0 ? '' : vault.sealJson(env);
}

export function openEnv(vault: Vault, sealed: string): TStackEnvEntry[] {
  return sealed ? vault.openJson<TStackEnvEntry[]>(sealed) : [];
}

/** What answers show: secret values replaced by a mask. */
export function maskEnv(env: TStackEnvEntry[]): TStackEnvEntry[] {
  return env.map((entry) => (entry.secret ? { ...entry, value: MASK } : entry));
}

/**
 * A new list of variables where a secret entry sent back with the mask keeps its stored value, so
 * a client can send back what it was shown.
 */
export function mergeEnv(stored: TStackEnvEntry[], given: TStackEnvEntry[]): TStackEnvEntry[] {
  return given.map((entry) => {
    if (entry.value !== MASK) return entry;
    const kept = stored.find((s) => s.name === entry.name && s.secret);
    return kept ? { ...entry, value: kept.value, secret: true } : entry;
  });
}

/** The secret values, so that output and errors can be scrubbed of them. */
export function secretValues(env: TStackEnvEntry[]): string[] {
  return env.filter((e) => e.secret && e.value.length > 0).map((e) => e.value);
}

export function scrub(text: string, secrets: string[]): string {
  return secrets.reduce((out, secret) => out.split(secret).join(MASK), text);
}

/** Every string inside `value` (a plan, an answer) scrubbed of the secrets. */
export function scrubDeep<T>(value: T, secrets: string[]): T {
  if (secrets.length === 0) return value;
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return scrub(node, secrets);
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    }
    return node;
  };
  return walk(value) as T;
}

/**
 * The variables of an uploaded `.env` added to those given (which win, by name), not secret; a
 * line that does not parse answers 400 on `envFile`.
 */
export function withEnvFile(env: TStackEnvEntry[], envFile: string | undefined): TStackEnvEntry[] {
  if (!envFile) return env;
  let read: Record<string, string>;
  try {
    read = parseDotEnv(envFile);
  } catch (error) {
    const message = error instanceof DotEnvError ? error.message : 'the .env file does not parse';
    throw AppError.validation([{ path: 'envFile', message }]);
  }
  const named = new Set(env.map((e) => e.name));
  const added = Object.entries(read)
    .filter(([name]) => !named.has(name))
    .map(([name, value]) => ({ name, value, secret: false }));
  return [...env, ...added];
}
