import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { Permission } from '@berth/shared';
import { checkCsrf } from '../auth/auth.guard.js';
import { Authenticator } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import { AppError } from '../common/app-error.js';
import { CONFIG, type Config } from '../config/config.js';
import { maskSecretEnv } from '../containers/secret-env.js';
import { EngineRegistry, type RegisteredEngine } from '../hosts/engine-registry.js';
import { type EnginePath, parseEnginePath } from './engine-path.js';
import { forwardHeaders } from './engine-relay.js';
import { type EngineRoute, matchEngineRoute, targetOf } from './engine-routes.js';
import { GatewayAudit } from './gateway-audit.js';
import { HiddenTarget, type OwnedCall } from './gateway-ownership.js';
import { GatewayPolicy } from './gateway-policy.js';
import { RegistryAuth } from './registry-auth.js';
import { BodyError, readBounded } from './request-body.js';

/** Bodies read before forwarding (policy checks, owner labels); real ones are a few kilobytes. */
export const MAX_INSPECTED_BODY = 1 << 20;

/** A call that may go to the engine, and everything decided about it on the way. */
export interface GatewayCall {
  principal: Principal;
  engine: RegisteredEngine;
  hostId: string;
  path: EnginePath;
  route: EngineRoute | null;
  permission: Permission | null;
  /** What the call acts on, for the audit record. */
  target: string | null;
  headers: OutgoingHttpHeaders;
  /** Set when the caller's grant reaches only their own resources. */
  owned?: OwnedCall;
  /** Rewrites the engine's JSON answer: lists filtered to the caller's own, secrets masked. */
  rewrite?: (answer: unknown) => unknown;
}

/**
 * The gateway's decisions about a call before anything reaches the engine: who calls, which host,
 * which catalog route and permission, allow / hide / deny, owner limits, registry logins, and
 * whether the body is acceptable. `DockerGateway` relays what this allows.
 */
@Injectable()
export class GatewayAuthoriser {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly engines: EngineRegistry,
    private readonly policy: GatewayPolicy,
    private readonly registryAuth: RegistryAuth,
    private readonly audit: GatewayAudit,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /**
   * Authenticates the caller, finds the host and the route's catalog entry, and decides: allowed
   * calls come back with their forwarding headers (registry logins added) and how their answer is
   * to be rewritten; refusals throw, audited.
   */
  async authorise(req: IncomingMessage): Promise<GatewayCall> {
    const path = parseEnginePath(req.url ?? '');
    if (!path) throw AppError.notFound('route');
    const principal = await this.authenticator.authenticate(req);
    if (!principal) throw new AppError('UNAUTHENTICATED', 'sign in or send an API token');
    checkCsrf(principal, req as Parameters<typeof checkCsrf>[1]);
    const engine = await this.engines.get(path.hostId);
    if (!engine) throw AppError.notFound('host');
    const method = req.method ?? 'GET';
    const match = matchEngineRoute(method, path.route);
    const route = match?.route ?? null;
    const permission = route?.permission ?? null;
    const target = targetOf(match, path.query);
    const audited = { principal, hostId: engine.hostId, path, permission, target };
    let decision;
    try {
      decision = await this.policy.decide(principal, engine, match, path);
    } catch (error) {
      // Another's object is refused as if it did not exist; a plain miss is audited like the
      // engine's own 404 would be (changes only).
      if (error instanceof HiddenTarget) await this.audit.refusal(req, audited, error);
      throw error;
    }
    if (decision.kind === 'hidden') throw AppError.notFound('host');
    if (decision.kind === 'deny') {
      const needs =
        decision.missing === 'admin'
          ? 'the global administrator role'
          : `permission ${decision.missing}`;
      const reason = decision.reason ? ` (${decision.reason})` : '';
      const error = new AppError('FORBIDDEN', `${method} ${path.route} needs ${needs}${reason}`, {
        missing: decision.missing,
      });
      await this.audit.refusal(req, audited, error);
      throw error;
    }
    const headers = forwardHeaders(req);
    // Only pulls, pushes and builds carry registry logins; no other call waits for the lookup.
    if (route?.credentials) {
      Object.assign(
        headers,
        await this.registryAuth.headersFor(method, path, req.headers, principal.user),
      );
    }
    const { owned } = decision;
    const mask = route?.masksSecrets && !this.policy.seesSecrets(principal);
    const rewrite = mask
      ? owned?.answer
        ? (answer: unknown) => maskSecretEnv(owned.answer!(answer) as object)
        : (answer: unknown) => maskSecretEnv(answer as object)
      : owned?.answer;
    return {
      principal,
      engine,
      hostId: engine.hostId,
      path: owned ? { ...path, forward: owned.forward } : path,
      route,
      permission,
      target,
      headers,
      owned,
      rewrite,
    };
  }

  /**
   * Reads a call's body (bounded), checks it against the host's security policy, and for an
   * owner-limited caller stamps their owner labels (create) or checks its references (connect).
   * Answers what is to be forwarded; refusals throw, naming each offending field.
   */
  async checkedBody(body: Readable, call: GatewayCall): Promise<unknown> {
    let raw: Buffer;
    try {
      raw = await readBounded(body, MAX_INSPECTED_BODY, this.config.requestIdleMs);
    } catch (error) {
      if (!(error instanceof BodyError)) throw error;
      throw new AppError('VALIDATION_FAILED', error.message);
    }
    let parsed: unknown;
    try {
      parsed = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : {};
    } catch {
      throw new AppError('VALIDATION_FAILED', 'request body is not JSON');
    }
    const issues = await this.policy.violations(call.engine, call.route, parsed);
    if (issues.length > 0) {
      const first = issues[0];
      throw new AppError(
        'FORBIDDEN',
        `the host's security policy forbids ${first?.path ?? 'this'}: ${first?.message ?? ''}`,
        { issues },
      );
    }
    return call.owned?.body ? call.owned.body(parsed) : parsed;
  }
}
