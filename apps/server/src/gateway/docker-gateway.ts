import type {
  ClientRequest,
  IncomingMessage,
  OutgoingHttpHeaders,
  ServerResponse,
} from 'node:http';
import { type Duplex, pipeline } from 'node:stream';
import { type BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { type ErrorBody, httpStatusOf, type Permission } from '@berth/shared';
import type { Logger } from 'pino';
import { actorOf, requestFacts } from '../audit/audit-context.js';
import { AuditLog } from '../audit/audit-log.js';
import { checkCsrf } from '../auth/auth.guard.js';
import { Authenticator } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import { AppError } from '../common/app-error.js';
import { type ErrorResponse, toErrorResponse } from '../common/error-response.js';
import { LOGGER } from '../common/logger.js';
import { requestIdOf } from '../common/request-id.js';
import type { EngineConnection } from '../docker/engine-connection.js';
import { EngineRegistry, type RegisteredEngine } from '../hosts/engine-registry.js';
import { classifyEngineError } from '../hosts/engine-probe.js';
import { type EnginePath, parseEnginePath } from './engine-path.js';
import { type EngineAnswer, engineRouteFor, targetOf } from './engine-routes.js';
import { HiddenTarget, type OwnedCall } from './gateway-ownership.js';
import { ChunkCoalescer } from './chunk-coalescer.js';
import { GatewayPolicy } from './gateway-policy.js';
import { ProgressOutcome } from './progress-outcome.js';
import { RegistryAuth } from './registry-auth.js';

/** Headers that belong to one hop (RFC 9110 §7.6.1) or carry Berth's own credentials. */
const DROP_REQUEST = new Set([
  'authorization',
  'cookie',
  'x-csrf-token',
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'upgrade',
  'x-request-id',
]);
const DROP_RESPONSE = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'trailer',
  'upgrade',
]);
/** A filtered answer gets a new length. */
const DROP_FILTERED_RESPONSE = new Set([...DROP_RESPONSE, 'content-length']);
const READ_METHODS = new Set(['GET', 'HEAD']);
/** Create bodies read for the security policy check; real ones are a few kilobytes. */
const MAX_INSPECTED_BODY = 1 << 20;
/** List answers read to filter them for owner-limited callers. */
const MAX_FILTERED_ANSWER = 64 << 20;
/** How long a non-stream answer's headers may wait for its body before they go out alone. */
const HEADER_FLUSH_MS = 10;
/** How long an engine may take to accept a connection before the call fails as unreachable. */
const CONNECT_TIMEOUT_MS = 5_000;

interface Authorised {
  principal: Principal;
  engine: RegisteredEngine;
  path: EnginePath;
  permission: Permission | null;
  /** How the engine answers this route (a plain body when not given). */
  answer?: EngineAnswer;
  headers: OutgoingHttpHeaders;
  /** Set when the caller's grant reaches only their own resources. */
  owned?: OwnedCall;
}

/**
 * `ANY /api/hosts/:hostId/docker/*`: a streaming proxy of one host's Docker Engine API. Bodies flow
 * through in both directions as they come; attach and exec upgrades are spliced socket to socket.
 */
@Injectable()
export class DockerGateway implements BeforeApplicationShutdown {
  /**
   * Client sockets of upgrade requests (attach, exec). Once upgraded, the HTTP server no longer
   * tracks them, and an open one would hold its close forever: they are cut at shutdown.
   */
  private readonly upgraded = new Set<Duplex>();

  constructor(
    private readonly authenticator: Authenticator,
    private readonly engines: EngineRegistry,
    private readonly policy: GatewayPolicy,
    private readonly registryAuth: RegistryAuth,
    private readonly audit: AuditLog,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** True when the URL is a gateway URL; then the request is handled here. */
  matches(url: string | undefined): boolean {
    return url !== undefined && /^\/api\/hosts\/[^/?#]+\/docker(\/|\?|$)/.test(url);
  }

  async handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let call: Authorised;
    try {
      call = await this.authorise(req);
    } catch (error) {
      this.sendError(res, toErrorResponse(error, requestIdOf(req), this.log));
      return;
    }
    const upstream = this.open(call.engine.connection, req.method ?? 'GET', call);
    res.on('close', () => {
      // The client went away (Ctrl-C on `logs -f`, a closed tab): stop the engine stream too.
      if (!res.writableFinished) upstream.destroy();
    });
    upstream.on('response', (engineRes) => {
      const status = engineRes.statusCode ?? 502;
      if (status < 300 && call.answer === 'progress') {
        this.relayProgress(req, call, engineRes, res);
        return;
      }
      void this.recordCall(req, call, status).then(() => {
        const filter = call.owned?.answer;
        if (filter && status === 200) {
          void this.relayFiltered(req, engineRes, res, filter);
          return;
        }
        res.writeHead(status, engineRes.statusMessage, responseHeaders(engineRes.rawHeaders));
        if (call.answer === 'lines') {
          // Logs, events and stats reach the client as they come: headers at once, then the
          // engine's line-sized chunks gathered for a moment into fewer writes.
          res.flushHeaders();
          pipeline(engineRes, new ChunkCoalescer(), res, () => undefined);
          return;
        }
        // Other answers usually follow at once, and go out with their headers in one write; one
        // that keeps the client waiting (`wait`, a slow engine) gets its headers shortly.
        // (`headersSent` is already true after writeHead; what counts is whether body went out.)
        let bodyStarted = false;
        engineRes.once('data', () => (bodyStarted = true));
        const flushLater = setTimeout(() => {
          if (!bodyStarted && !res.writableEnded) res.flushHeaders();
        }, HEADER_FLUSH_MS);
        res.once('close', () => clearTimeout(flushLater));
        engineRes.pipe(res);
      });
    });
    upstream.on('error', (error) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      void this.recordCall(req, call, 502).then(() =>
        this.sendError(res, this.unreachable(req, call, error)),
      );
    });
    if (
      call.owned?.body ||
      this.policy.inspectsBody(call.principal, req.method ?? 'GET', call.path.route)
    ) {
      await this.forwardCheckedBody(req, res, call, upstream);
      return;
    }
    req.pipe(upstream);
  }

  beforeApplicationShutdown(): void {
    for (const socket of this.upgraded) socket.destroy();
  }

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    let call: Authorised;
    socket.on('error', () => socket.destroy());
    this.upgraded.add(socket);
    socket.once('close', () => this.upgraded.delete(socket));
    try {
      call = await this.authorise(req);
    } catch (error) {
      writeRawError(socket, toErrorResponse(error, requestIdOf(req), this.log));
      return;
    }
    let body: { body: Buffer; rest: Buffer };
    try {
      body = await readUpgradeBody(req, socket, head);
    } catch {
      // The client went away before its request body arrived; there is nobody to answer.
      socket.destroy();
      return;
    }
    const upstream = this.open(call.engine.connection, req.method ?? 'POST', call, true);
    upstream.on('upgrade', (engineRes, engineSocket, engineHead) => {
      void this.recordCall(req, call, 101).then(() => {
        socket.write(rawHead(101, engineRes.statusMessage ?? 'UPGRADED', engineRes.rawHeaders));
        if (engineHead.length > 0) socket.write(engineHead);
        if (body.rest.length > 0) engineSocket.write(body.rest);
        splice(socket, engineSocket);
      });
    });
    upstream.on('response', (engineRes) => {
      // The engine refused to upgrade (no such container, not running…): pass its answer on.
      void this.recordCall(req, call, engineRes.statusCode ?? 502).then(() => {
        socket.write(
          rawHead(
            engineRes.statusCode ?? 502,
            engineRes.statusMessage ?? '',
            engineRes.rawHeaders,
            true,
          ),
        );
        engineRes.pipe(socket);
      });
    });
    upstream.on('error', (error) => {
      void this.recordCall(req, call, 502).then(() =>
        writeRawError(socket, this.unreachable(req, call, error)),
      );
    });
    upstream.end(body.body);
  }

  /**
   * Reads a create body (bounded), checks it against the host's security policy and forwards it
   * only when nothing is forbidden; otherwise answers 403 naming each offending field. For an
   * owner-limited caller the body is then stamped with their owner labels (create) or its
   * references checked (network connect).
   */
  private async forwardCheckedBody(
    req: IncomingMessage,
    res: ServerResponse,
    call: Authorised,
    upstream: ClientRequest,
  ): Promise<void> {
    const refuse = async (error: AppError) => {
      upstream.destroy();
      await this.recordRefusal(
        req,
        call.principal,
        call.engine.hostId,
        call.path,
        call.permission,
        error,
      );
      this.sendError(res, toErrorResponse(error, requestIdOf(req), this.log));
    };
    let body: Buffer;
    try {
      body = await readBounded(req, MAX_INSPECTED_BODY);
    } catch {
      await refuse(
        new AppError('VALIDATION_FAILED', `request body over ${MAX_INSPECTED_BODY} bytes`),
      );
      return;
    }
    let parsed: unknown;
    try {
      parsed = body.length > 0 ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      await refuse(new AppError('VALIDATION_FAILED', 'request body is not JSON'));
      return;
    }
    const issues = await this.policy.violations(call.engine.hostId, call.path.route, parsed);
    if (issues.length > 0) {
      const first = issues[0];
      await refuse(
        new AppError(
          'FORBIDDEN',
          `the host's security policy forbids ${first?.path ?? 'this'}: ${first?.message ?? ''}`,
          {
            issues,
          },
        ),
      );
      return;
    }
    if (call.owned?.body) {
      try {
        body = Buffer.from(JSON.stringify(await call.owned.body(parsed)));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        await refuse(error);
        return;
      }
    }
    upstream.removeHeader('transfer-encoding');
    upstream.setHeader('content-length', body.length);
    upstream.end(body);
  }

  private async authorise(req: IncomingMessage): Promise<Authorised> {
    const path = parseEnginePath(req.url ?? '');
    if (!path) throw AppError.notFound('route');
    const principal = await this.authenticator.authenticate(req);
    if (!principal) throw new AppError('UNAUTHENTICATED', 'sign in or send an API token');
    checkCsrf(principal, req as Parameters<typeof checkCsrf>[1]);
    const engine = await this.engines.get(path.hostId);
    const method = req.method ?? 'GET';
    const route = engineRouteFor(method, path.route);
    const permission = route?.permission ?? null;
    let decision;
    try {
      decision = engine
        ? await this.policy.decide(principal, engine, route, path)
        : { kind: 'hidden' as const };
    } catch (error) {
      // Another's object is refused as if it did not exist; a plain miss is audited like the
      // engine's own 404 would be (changes only).
      if (engine && error instanceof HiddenTarget && (error.exists || !READ_METHODS.has(method)))
        await this.recordRefusal(req, principal, engine.hostId, path, permission, error);
      throw error;
    }
    if (!engine || decision.kind === 'hidden') throw AppError.notFound('host');
    if (decision.kind === 'deny') {
      const needs =
        decision.missing === 'admin'
          ? 'the global administrator role'
          : `permission ${decision.missing}`;
      const reason = decision.reason ? ` (${decision.reason})` : '';
      const error = new AppError('FORBIDDEN', `${method} ${path.route} needs ${needs}${reason}`, {
        missing: decision.missing,
      });
      await this.recordRefusal(req, principal, engine.hostId, path, permission, error);
      throw error;
    }
    const headers = forwardHeaders(req);
    Object.assign(headers, await this.registryAuth.headersFor(method, path, req.headers));
    const { owned } = decision;
    const answer = route?.answer;
    if (!owned) return { principal, engine, path, permission, answer, headers };
    return {
      principal,
      engine,
      path: { ...path, forward: owned.forward },
      permission,
      answer,
      headers,
      owned,
    };
  }

  private open(
    connection: EngineConnection,
    method: string,
    call: Authorised,
    upgrade = false,
  ): ClientRequest {
    const headers = upgrade
      ? { ...call.headers, connection: 'Upgrade', upgrade: 'tcp' }
      : call.headers;
    const upstream = connection.request({ method, path: call.path.forward, headers });
    upstream.on('socket', (socket) => {
      if (!('connecting' in socket) || !socket.connecting) return;
      socket.setTimeout(CONNECT_TIMEOUT_MS, () =>
        upstream.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })),
      );
      socket.once('connect', () => socket.setTimeout(0));
    });
    return upstream;
  }

  /**
   * Pulls, pushes and builds answer 200 at once and report failure inside their progress stream:
   * the stream flows to the client as it comes, and the call is recorded from how it ended before
   * the end is passed on. A client that leaves first cancels the engine's work; that is recorded too.
   */
  private relayProgress(
    req: IncomingMessage,
    call: Authorised,
    engineRes: IncomingMessage,
    res: ServerResponse,
  ): void {
    const status = engineRes.statusCode ?? 200;
    let recorded = false;
    const record = (failure: string | null) => {
      if (recorded) return Promise.resolve();
      recorded = true;
      return this.recordCall(req, call, status, failure);
    };
    res.on('close', () => {
      if (!res.writableFinished) void record('the client left before the engine finished');
    });
    res.writeHead(status, engineRes.statusMessage, responseHeaders(engineRes.rawHeaders));
    res.flushHeaders();
    engineRes.pipe(new ProgressOutcome(record)).pipe(res);
  }

  /** Mutating calls are recorded before their answer is sent on; reads are not recorded. */
  private async recordCall(
    req: IncomingMessage,
    call: Authorised,
    status: number,
    /** What went wrong after a 200, as the engine reported it inside its progress stream. */
    failure: string | null = null,
  ): Promise<void> {
    const method = req.method ?? 'GET';
    if (READ_METHODS.has(method)) return;
    try {
      await this.audit.record({
        actor: actorOf(call.principal),
        action: 'engine.call',
        outcome: status < 400 && failure === null ? 'success' : 'failure',
        hostId: call.engine.hostId,
        target: targetOf(call.path.route, call.path.query),
        status,
        details: {
          method,
          path: call.path.route,
          permission: call.permission,
          ...(failure === null ? {} : { error: failure }),
        },
        ...requestFacts(req),
      });
    } catch (error) {
      this.log.error({ err: error }, 'audit record failed');
    }
  }

  /**
   * A call Berth answered itself without forwarding it: `denied` for a refusal (403, or another's
   * object hidden as 404), `failure` for a bad body or a target that does not exist.
   */
  private async recordRefusal(
    req: IncomingMessage,
    principal: Principal,
    hostId: string,
    path: EnginePath,
    permission: Permission | null,
    error: AppError,
  ): Promise<void> {
    const refused = error.code === 'FORBIDDEN' || (error instanceof HiddenTarget && error.exists);
    await this.audit.record({
      actor: actorOf(principal),
      action: 'engine.call',
      outcome: refused ? 'denied' : 'failure',
      hostId,
      target: targetOf(path.route, path.query),
      status: httpStatusOf(error.code),
      details: { method: req.method, path: path.route, permission },
      ...requestFacts(req),
    });
  }

  /** A list answer filtered to the caller's own objects, sent with its new length. */
  private async relayFiltered(
    req: IncomingMessage,
    engineRes: IncomingMessage,
    res: ServerResponse,
    filter: (answer: unknown) => unknown,
  ): Promise<void> {
    let filtered: Buffer;
    try {
      const answer = await readBounded(engineRes, MAX_FILTERED_ANSWER);
      filtered = Buffer.from(JSON.stringify(filter(JSON.parse(answer.toString('utf8')))));
    } catch (error) {
      const appError = new AppError(
        'ENGINE_ERROR',
        'the engine sent a list that could not be read',
        {},
        error,
      );
      this.sendError(res, toErrorResponse(appError, requestIdOf(req), this.log));
      return;
    }
    const headers = responseHeaders(engineRes.rawHeaders, DROP_FILTERED_RESPONSE);
    res.writeHead(200, engineRes.statusMessage, [
      ...headers,
      'Content-Length',
      String(filtered.length),
    ]);
    res.end(filtered);
  }

  private unreachable(req: IncomingMessage, call: Authorised, error: unknown): ErrorResponse {
    const { error: reason } = classifyEngineError(error);
    const appError = new AppError(
      'HOST_UNREACHABLE',
      `host ${call.engine.name} is unreachable: ${reason}`,
      { hostId: call.engine.hostId },
      error,
    );
    return toErrorResponse(appError, requestIdOf(req), this.log);
  }

  private sendError(res: ServerResponse, { status, body }: ErrorResponse): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res
      .writeHead(status, { 'content-type': 'application/json' })
      .end(JSON.stringify(forDockerClients(body)));
  }
}

async function readBounded(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function forwardHeaders(req: IncomingMessage): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !DROP_REQUEST.has(name)) headers[name] = value;
  }
  headers.host = 'docker';
  return headers;
}

function responseHeaders(raw: string[], drop: ReadonlySet<string> = DROP_RESPONSE): string[] {
  const kept: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (!drop.has(name.toLowerCase())) kept.push(name, raw[i + 1] ?? '');
  }
  return kept;
}

function rawHead(status: number, message: string, raw: string[], close = false): string {
  const lines = [`HTTP/1.1 ${status} ${message}`];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (close && DROP_RESPONSE.has(name.toLowerCase())) continue;
    lines.push(`${name}: ${raw[i + 1] ?? ''}`);
  }
  if (close) lines.push('Connection: close');
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * Docker clients print an error's top-level `message` ("Error response from daemon: …"), as the
 * engine sends it; Berth's own `error` object stays for everything else.
 */
function forDockerClients(body: ErrorBody): ErrorBody & { message: string } {
  return { message: body.error.message, ...body };
}

function writeRawError(socket: Duplex, { status, body }: ErrorResponse): void {
  const payload = JSON.stringify(forDockerClients(body));
  socket.end(
    `HTTP/1.1 ${status} Error\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\nConnection: close\r\n\r\n${payload}`,
  );
}

/**
 * An upgrade request may carry a small body (exec start's JSON) before the raw stream begins; the
 * engine reads it before it answers 101. Bytes past Content-Length already belong to the stream.
 */
async function readUpgradeBody(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<{ body: Buffer; rest: Buffer }> {
  const length = Math.min(Number(req.headers['content-length'] ?? 0) || 0, 1 << 20);
  let buffered = head;
  if (buffered.length < length) {
    buffered = await new Promise<Buffer>((resolve, reject) => {
      const chunks = [buffered];
      let size = buffered.length;
      const onClose = () => reject(new Error('closed before the request body arrived'));
      const onData = (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size < length) return;
        socket.off('data', onData).off('error', reject).off('close', onClose).pause();
        resolve(Buffer.concat(chunks));
      };
      socket.on('data', onData).once('error', reject).once('close', onClose);
    });
  }
  return { body: buffered.subarray(0, length), rest: buffered.subarray(length) };
}

/** Pipes two sockets both ways; one side's end of input is passed on as a half-close. */
function splice(client: Duplex, engine: Duplex): void {
  client.pipe(engine);
  engine.pipe(client);
  const destroyBoth = () => {
    client.destroy();
    engine.destroy();
  };
  client.on('error', destroyBoth);
  engine.on('error', destroyBoth);
  client.on('close', () => engine.destroy());
  engine.on('close', () => client.end());
}
