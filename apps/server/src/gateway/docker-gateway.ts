import { type ClientRequest, type IncomingMessage, ServerResponse } from 'node:http';
import type { OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { type Duplex, Readable } from 'node:stream';
import { type BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { failedOutcome } from '../audit/audit-intent.js';
import { CredentialWatch } from '../auth/credential-watch.js';
import { AppError } from '../common/app-error.js';
import { type ErrorResponse, toErrorResponse } from '../common/error-response.js';
import { LOGGER } from '../common/logger.js';
import { requestIdOf } from '../common/request-id.js';
import { CONFIG, type Config } from '../config/config.js';
import { ENGINE_CONNECT_TIMEOUT_MS } from '../docker/engine-connection.js';
import { EngineError } from '../docker/engine-error.js';
import type { EngineAnswer, EngineExchange } from '../docker/engine-exchange.js';
import { type AnswerTargets, relayAnswer, relayLines } from './answer-relay.js';
import {
  DROP_REWRITTEN_RESPONSE,
  rawHead,
  responseHeaders,
  sendError,
  splice,
  writeRawError,
} from './engine-relay.js';
import { type ChangeEnd, GatewayAudit, type GatewayChange } from './gateway-audit.js';
import { type GatewayCall, GatewayAuthoriser, MAX_INSPECTED_BODY } from './gateway-authoriser.js';
import { GatewayPolicy } from './gateway-policy.js';
import { ProgressOutcome } from './progress-outcome.js';
import { SharedReads, type SharedRound, sharedReadKey } from './shared-reads.js';
import {
  BodyError,
  hasBody,
  readBounded,
  readUpgradeBody,
  type UpgradeBody,
  watchedBody,
} from './request-body.js';

/** Answers read to rewrite them (lists filtered for owner-limited callers, masked inspects). */
const MAX_REWRITTEN_ANSWER = 64 << 20;

/** How long a connection whose request body is left unread may take to close after its answer. */
const CLOSE_GRACE_MS = 500;

/** A change whose client left before the engine answered: it may have been made or not. */
const CLIENT_LEFT: ChangeEnd = {
  status: null,
  outcome: 'unknown',
  failure: 'the client left before the engine answered',
};

/**
 * `ANY /api/hosts/:hostId/docker/*`: a streaming proxy of one host's Docker Engine API. Bodies flow
 * through in both directions as they come; attach and exec upgrades are spliced socket to socket.
 * Every call is authorised and checked the same way whichever way it arrives: a request with
 * upgrade headers on a route the engine does not upgrade is an ordinary request.
 */
@Injectable()
export class DockerGateway implements BeforeApplicationShutdown {
  /**
   * Client sockets of upgrade requests (attach, exec). Once upgraded, the HTTP server no longer
   * tracks them, and an open one would hold its close forever: they are cut at shutdown.
   */
  private readonly upgraded = new Set<Duplex>();
  /**
   * Calls sent to an engine that has not answered them yet: while there are any, the gateway is
   * busy, and finished logs are gathered into one write each (`relayLines`).
   */
  private readonly waiting = new Set<ServerResponse>();

  constructor(
    private readonly authoriser: GatewayAuthoriser,
    private readonly credentials: CredentialWatch,
    private readonly policy: GatewayPolicy,
    private readonly audit: GatewayAudit,
    private readonly shared: SharedReads,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** True when the URL is a gateway URL; then the request is handled here. */
  matches(url: string | undefined): boolean {
    return url !== undefined && /^\/api\/hosts\/[^/?#]+\/docker(\/|\?|$)/.test(url);
  }

  /** An ordinary request. Never rejects: whatever fails is answered or logged here. */
  async handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const call = await this.authoriser.authorise(req);
      await this.forward(req, req, res, call);
    } catch (error) {
      sendError(res, this.errorResponse(req, error));
    }
  }

  /** A request that came with `Connection: Upgrade`. Never rejects. */
  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    this.upgraded.add(socket);
    socket.once('close', () => this.upgraded.delete(socket));
    try {
      const call = await this.authoriser.authorise(req);
      const body = await this.upgradeBody(req, socket, head);
      // The client went away before its request body arrived; there is nobody to answer.
      if (!body) return;
      // Only what the engine really hijacks goes down the raw path; anything else is answered
      // as an ordinary request, with every check (a create sent with upgrade headers included).
      if (call.route?.upgrade || (call.route === null && call.principal.user.isAdmin)) {
        await this.upgrade(req, socket, body, call);
      } else {
        await this.forwardUpgradeAsOrdinary(req, socket, body.body, call);
      }
    } catch (error) {
      if (!socket.writable) return;
      writeRawError(socket, this.errorResponse(req, error));
    }
  }

  beforeApplicationShutdown(): void {
    for (const socket of this.upgraded) socket.destroy();
  }

  /**
   * Sends an authorised call to the engine and its answer back. `body` is the request body: the
   * request itself, or what was read off an upgrade socket. A body the policy or ownership rules
   * read is checked first, and what goes to the engine is the serialisation of exactly what was
   * checked (a key given twice reaches the engine once, as it was read here). A change is
   * journaled before the engine is asked.
   */
  private async forward(
    req: IncomingMessage,
    body: Readable,
    res: ServerResponse,
    call: GatewayCall,
  ): Promise<void> {
    const key = body === req ? sharedReadKey(req, call) : null;
    if (key !== null) {
      this.forwardShared(req, res, call, key);
      return;
    }
    let checked: Buffer | null = null;
    const streamed = body !== req || hasBody(req);
    if (call.owned?.body || this.policy.inspectsBody(call.principal, call.route)) {
      try {
        checked = Buffer.from(JSON.stringify(await this.authoriser.checkedBody(body, call)));
      } catch (error) {
        // What is left of the body is never read: the connection closes after the answer.
        closeAfterAnswer(req, res);
        if (error instanceof AppError) await this.audit.refusal(req, call, error);
        throw error;
      }
    }
    let change: GatewayChange;
    try {
      change = await this.audit.begin(req, call);
    } catch (error) {
      if (streamed && checked === null) closeAfterAnswer(req, res);
      throw error;
    }
    // A body the engine call stopped reading before its end (an engine that answered early, a
    // host removed under a slow upload) is never read now: the connection closes once the answer
    // is out instead of waiting for the rest, however slowly it comes.
    if (body === req && streamed && checked === null) {
      res.once('finish', () => {
        if (!req.complete) closeSoon(req);
      });
    }
    let clientGone = false;
    this.waiting.add(res);
    const upstream = call.engine.client.exchange(
      {
        method: req.method ?? 'GET',
        path: call.path.forward,
        // The checked body is sent as it was serialised here, with its own length.
        headers: checked === null ? call.headers : withoutLength(call.headers),
        body: checked ?? (streamed ? this.watched(req, body, () => upstream) : null),
      },
      {
        answered: (answer) => this.relay(req, res, call, change, answer),
        failed: (error) => {
          this.waiting.delete(res);
          // A client that left is not an engine failure: nothing to answer, nothing to log. A
          // change it asked for may have been made or not.
          if (clientGone) {
            void change.end(CLIENT_LEFT);
            return;
          }
          if (res.headersSent) {
            res.destroy();
            return;
          }
          void change
            .end(lostAnswer(error))
            .then(() => sendError(res, this.unreachable(req, call, error)));
        },
      },
    );
    const unwatch = this.credentials.watch({
      request: req,
      principal: call.principal,
      kind: 'gateway stream',
      close: () => {
        res.destroy();
        upstream.abort();
      },
    });
    res.on('close', () => {
      this.waiting.delete(res);
      unwatch();
      // The client went away (Ctrl-C on `logs -f`, a closed tab): stop the engine call too.
      if (res.writableFinished) return;
      clientGone = true;
      upstream.abort();
    });
  }

  /**
   * A read sent on one engine call with the identical reads that arrive with it (`SharedReads`).
   * Reads are not journaled; each reader is watched on its own and may leave without the others.
   */
  private forwardShared(
    req: IncomingMessage,
    res: ServerResponse,
    call: GatewayCall,
    key: string,
  ): void {
    const reader = { req, res };
    this.waiting.add(res);
    const round = this.shared.join(key, reader, (round) =>
      call.engine.client.exchange(
        { method: 'GET', path: call.path.forward, headers: call.headers, body: null },
        {
          answered: (answer) => {
            this.shared.headed(round);
            this.relayShared(round, call, answer);
          },
          failed: (error) => {
            this.shared.headed(round);
            for (const { req, res } of round.readers) {
              this.waiting.delete(res);
              if (res.headersSent) res.destroy();
              else if (!res.destroyed) sendError(res, this.unreachable(req, call, error));
            }
          },
        },
      ),
    );
    const unwatch = this.credentials.watch({
      request: req,
      principal: call.principal,
      kind: 'gateway stream',
      close: () => res.destroy(),
    });
    res.on('close', () => {
      this.waiting.delete(res);
      unwatch();
      if (!res.writableFinished) this.shared.leave(round, reader);
    });
  }

  /** A shared read's answer, passed on to every reader of its round still there. */
  private relayShared(round: SharedRound, call: GatewayCall, engineRes: EngineAnswer): void {
    const targets: ServerResponse[] = [];
    for (const { res } of round.readers) {
      this.waiting.delete(res);
      if (!res.destroyed) targets.push(res);
    }
    const head = {
      status: engineRes.statusCode,
      message: engineRes.statusMessage,
      headers: responseHeaders(engineRes.rawHeaders),
    };
    if (call.route?.answer === 'lines') {
      relayLines('GET', engineRes, this.targets(targets), head, this.waiting.size > 0);
    } else {
      relayAnswer('GET', engineRes, this.targets(targets), head);
    }
  }

  /**
   * Where an answer goes: one client, or the readers of a shared call, of whom one that takes
   * nothing for BERTH_REQUEST_IDLE_MS while another waits is cut.
   */
  private targets(clients: ServerResponse[]): AnswerTargets {
    return { clients, stallMs: this.config.requestIdleMs };
  }

  /**
   * A streamed body as the engine call reads it. The engine may have answered already (a bad
   * build context); the body still ties up the connection until it ends, so a stall cuts the
   * client's socket itself.
   */
  private watched(req: IncomingMessage, body: Readable, call: () => EngineExchange): Readable {
    const clientSocket = req.socket;
    const watched = watchedBody(body, this.config.requestIdleMs, () => {
      this.log.info({ requestId: requestIdOf(req) }, 'gateway request body stalled; closed');
      call().abort();
      clientSocket.destroy();
    });
    return Readable.from(watched, { objectMode: false });
  }

  /** The engine's answer, passed on as its route's answer kind says. */
  private relay(
    req: IncomingMessage,
    res: ServerResponse,
    call: GatewayCall,
    change: GatewayChange,
    engineRes: EngineAnswer,
  ): void {
    this.waiting.delete(res);
    const status = engineRes.statusCode;
    if (status < 300 && call.route?.answer === 'progress') {
      this.relayProgress(change, engineRes, res);
      return;
    }
    void change.end({ status }).then(() => {
      if (call.rewrite && status === 200) {
        void this.relayRewritten(req, engineRes, res, call.rewrite);
        return;
      }
      const head = {
        status,
        message: engineRes.statusMessage,
        headers: responseHeaders(engineRes.rawHeaders),
      };
      if (call.route?.answer === 'lines') {
        relayLines(
          req.method ?? 'GET',
          engineRes,
          this.targets([res]),
          head,
          this.waiting.size > 0,
        );
      } else {
        relayAnswer(req.method ?? 'GET', engineRes, this.targets([res]), head);
      }
    });
  }

  /** The body of an upgrade request, read off its socket; null when the client went away. */
  private async upgradeBody(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ): Promise<UpgradeBody | null> {
    try {
      return await readUpgradeBody(
        req,
        socket,
        head,
        MAX_INSPECTED_BODY,
        this.config.requestIdleMs,
      );
    } catch (error) {
      if (!(error instanceof BodyError)) throw error;
      if (error.reason === 'closed') return null;
      throw new AppError('VALIDATION_FAILED', error.message);
    }
  }

  /**
   * A request that came with upgrade headers to a route the engine does not upgrade: its body is
   * read off the raw socket, and it is answered on that socket as an ordinary request, which then
   * closes.
   */
  private async forwardUpgradeAsOrdinary(
    req: IncomingMessage,
    socket: Duplex,
    body: Buffer,
    call: GatewayCall,
  ): Promise<void> {
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Socket);
    res.once('finish', () => {
      res.detachSocket(socket as Socket);
      socket.end();
    });
    const framed: OutgoingHttpHeaders = { ...call.headers, 'content-length': body.length };
    delete framed['transfer-encoding'];
    await this.forward(req, Readable.from([body]), res, { ...call, headers: framed });
  }

  /** Attach, exec start: the engine answers 101 (`hijackEngine`) and both sockets are spliced. */
  private async upgrade(
    req: IncomingMessage,
    socket: Duplex,
    body: UpgradeBody,
    call: GatewayCall,
  ): Promise<void> {
    const change = await this.audit.begin(req, call);
    const request = {
      method: req.method ?? 'POST',
      path: call.path.forward,
      headers: call.headers,
    };
    const upstream = call.engine.client.hijack(
      { ...request, body: body.body },
      {
        upgraded: (engineRes, engineSocket, engineHead) => {
          void change.end({ status: 101 }).then(() => {
            socket.once('close', () => engineSocket.destroy());
            socket.write(rawHead(101, engineRes.statusMessage ?? 'UPGRADED', engineRes.rawHeaders));
            if (engineHead.length > 0) socket.write(engineHead);
            if (body.rest.length > 0) engineSocket.write(body.rest);
            splice(socket, engineSocket);
          });
        },
        refused: (engineRes) => {
          // The engine refused to upgrade (no such container, not running…): pass its answer on.
          void change.end({ status: engineRes.statusCode ?? 502 }).then(() => {
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
        },
        failed: (error) => {
          if (!socket.writable) {
            void change.end(CLIENT_LEFT);
            return;
          }
          void change
            .end(lostAnswer(error))
            .then(() => writeRawError(socket, this.unreachable(req, call, error)));
        },
      },
    );
    connectDeadline(upstream);
    const unwatch = this.credentials.watch({
      request: req,
      principal: call.principal,
      kind: 'gateway console',
      close: () => {
        socket.destroy();
        upstream.destroy();
      },
    });
    socket.once('close', unwatch);
    socket.once('close', () => upstream.destroy());
  }

  /**
   * Pulls, pushes and builds answer 200 at once and report failure inside their progress stream:
   * the stream flows to the client as it comes, and the change is settled from how it ended before
   * the end is passed on. A client that leaves first cancels the engine's work half-way.
   */
  private relayProgress(change: GatewayChange, engineRes: EngineAnswer, res: ServerResponse): void {
    const status = engineRes.statusCode;
    const outcome = new ProgressOutcome((failure) => change.end({ status, failure }));
    res.on('close', () => {
      if (res.writableFinished) return;
      // A client that stops at the engine's error line (the docker CLI does) leaves a failure
      // the engine already reported; one that leaves before any leaves the outcome unknown.
      void change.end(
        outcome.failure === null
          ? {
              status: null,
              outcome: 'unknown',
              failure: 'the client left before the engine finished',
            }
          : { status, failure: outcome.failure },
      );
    });
    res.writeHead(status, engineRes.statusMessage, responseHeaders(engineRes.rawHeaders));
    res.flushHeaders();
    // A stream that breaks off cuts the client (its end would otherwise never come): the change
    // is then settled above, unknown unless the engine had reported a failure.
    engineRes.whenBroken(() => res.destroy());
    engineRes.asStream().pipe(outcome).pipe(res);
  }

  /** A JSON answer rewritten for the caller (filtered list, masked inspect), with its new length. */
  private async relayRewritten(
    req: IncomingMessage,
    engineRes: EngineAnswer,
    res: ServerResponse,
    rewrite: (answer: unknown) => unknown,
  ): Promise<void> {
    let rewritten: Buffer;
    try {
      const answer = await readBounded(
        engineRes.asStream(),
        MAX_REWRITTEN_ANSWER,
        ENGINE_CONNECT_TIMEOUT_MS,
      );
      rewritten = Buffer.from(JSON.stringify(rewrite(JSON.parse(answer.toString('utf8')))));
    } catch (error) {
      const appError = new AppError(
        'ENGINE_ERROR',
        'the engine sent an answer that could not be read',
        {},
        error,
      );
      sendError(res, this.errorResponse(req, appError));
      return;
    }
    const headers = responseHeaders(engineRes.rawHeaders, DROP_REWRITTEN_RESPONSE);
    res.writeHead(200, engineRes.statusMessage, [
      ...headers,
      'Content-Length',
      String(rewritten.length),
    ]);
    res.end(rewritten);
  }

  private unreachable(req: IncomingMessage, call: GatewayCall, error: unknown): ErrorResponse {
    const { reason } = EngineError.from(error);
    const appError = new AppError(
      'HOST_UNREACHABLE',
      `host ${call.engine.name} is unreachable: ${reason}`,
      { hostId: call.hostId },
      error,
    );
    return this.errorResponse(req, appError);
  }

  private errorResponse(req: IncomingMessage, error: unknown): ErrorResponse {
    return toErrorResponse(error, requestIdOf(req), this.log);
  }
}

/**
 * Ends the connection once the answer is out: the rest of the request body will never be read, so
 * the connection cannot carry another request. Cut after a grace period if the client holds on.
 */
function closeAfterAnswer(req: IncomingMessage, res: ServerResponse): void {
  res.shouldKeepAlive = false;
  res.once('finish', () => closeSoon(req));
}

/** Ends the request's connection, cut after a grace period if the client holds on. */
function closeSoon(req: IncomingMessage): void {
  const socket = req.socket;
  socket.end();
  setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
}

/**
 * How a change ended whose engine call failed without an answer: a refused connection never
 * reached the engine (failure, 502); a connection that broke mid-call may have (unknown).
 */
function lostAnswer(error: unknown): ChangeEnd {
  const { reason } = EngineError.from(error);
  return failedOutcome(error) === 'unknown'
    ? { status: null, outcome: 'unknown', failure: reason }
    : { status: 502, failure: reason };
}

/** The headers without the client's body length: the body sent is another. */
function withoutLength(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const { 'content-length': _length, ...rest } = headers;
  return rest;
}

/** An engine that takes no connection within ENGINE_CONNECT_TIMEOUT_MS fails the call (ETIMEDOUT). */
function connectDeadline(upstream: ClientRequest): void {
  upstream.on('socket', (socket) => {
    if (!('connecting' in socket) || !socket.connecting) return;
    socket.setTimeout(ENGINE_CONNECT_TIMEOUT_MS, () =>
      upstream.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })),
    );
    socket.once('connect', () => socket.setTimeout(0));
  });
}
