import 'reflect-metadata';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { AuthService } from './auth/auth.service.js';
import { ClusteredSocketAdapter } from './cluster/clustered-socket-adapter.js';
import { RedisConnection } from './cluster/redis-connection.js';
import { NestPinoLogger } from './common/logger.js';
import { assignRequestId, requestIdFrom } from './common/request-id.js';
import { settlesWithin } from './common/settles-within.js';
import { type Config, redactUrl } from './config/config.js';
import { migratePostgres, migrateSqlite } from './database/migration-runner.js';
import { DockerGateway } from './gateway/docker-gateway.js';
import { HostsService } from './hosts/hosts.service.js';
import { loadDashboard } from './web/dashboard.js';
import { webhookBody } from './webhooks/webhook-body.js';

/** How long an idle client connection is kept open. */
const KEEP_ALIVE_MS = 65_000;

/** Raised for a problem a person must fix before Berth can start; printed as one line. */
export class StartupError extends Error {}

export interface RunningServer {
  app: NestExpressApplication;
  url: string;
  close: () => Promise<void>;
}

/** Migrates the database, wires the HTTP stack and listens. Used by main and by the tests. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  await migrate(config, logger);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger), {
    bodyParser: false,
    logger: new NestPinoLogger(logger),
    abortOnError: false,
  });
  app.setGlobalPrefix('api');
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // Counted from the start, so stopping can close every one (`stop`).
  const sockets = openSockets(app.getHttpServer());

  const gateway = app.get(DockerGateway);
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => assignRequestId(req, res),
      autoLogging: { ignore: (req) => req.url === '/api/health' },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
      quietReqLogger: true,
    }),
  );
  // Webhook calls are verified against the exact bytes signed: kept raw, whatever their type.
  app.use('/api/webhooks', webhookBody('1mb', config.requestIdleMs));
  app.use(express.json({ limit: '1mb' }));
  const require = createRequire(import.meta.url);
  app.use(
    '/api/docs/assets',
    express.static(dirname(require.resolve('swagger-ui-dist/package.json')), { index: false }),
  );

  let closeDashboard = async () => {};
  if (config.web.enabled) {
    const dashboard = await loadDashboard(config.web.dir);
    closeDashboard = dashboard.close;
    app.use((req: express.Request, res: express.Response, nextHandler: express.NextFunction) => {
      if (req.url.startsWith('/api/') || req.url === '/api') nextHandler();
      else void dashboard.handle(req, res);
    });
  }

  await connectReplicas(app, config);
  await app.init();
  await app.get(AuthService).ensureAdminFromEnvironment();
  await app.get(HostsService).registerLocalEngine();

  const server: Server = app.getHttpServer();
  // Idle connections stay open longer than a client or load balancer keeps them (nginx and most
  // balancers 60 s): with Node's 5 s, a request sent on a connection the server was closing at
  // that moment was reset.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  routeGatewayFirst(server, gateway, config.trustProxy);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new StartupError(`port ${config.port} is in use (PORT)`)
          : error,
      ),
    );
    server.listen(config.port, config.bind, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    close: () => stop(app, server, sockets, closeDashboard, logger),
  };
}

/** How long open streams (logs -f, events, attach, consoles) may go on once stopping starts. */
const STREAM_GRACE_MS = 3_000;
/** How long stopping may take in all; past it, what is still closing is left behind. */
const STOP_DEADLINE_MS = 10_000;

/**
 * Stops within STOP_DEADLINE_MS whatever the database, the engines and the clients do: streams
 * are cut after a grace period, the database and replica connections drop what does not close
 * in time (and say so), and if the rest still has not finished by the deadline, stopping ends
 * anyway and says what it was waiting for.
 */
async function stop(
  app: NestExpressApplication,
  server: Server,
  sockets: Set<Socket>,
  closeDashboard: () => Promise<void>,
  logger: Logger,
): Promise<void> {
  server.closeIdleConnections();
  const force = setTimeout(() => {
    if (sockets.size > 0) {
      logger.warn(
        `stop: ${sockets.size} client connection(s) (streams, consoles, sockets) still open after ${STREAM_GRACE_MS / 1000} s; closed them`,
      );
    }
    server.closeAllConnections();
    // Upgraded connections (attach, exec, websockets) are no longer the HTTP server's to close.
    for (const socket of sockets) socket.destroy();
  }, STREAM_GRACE_MS);
  let phase = 'the application modules (database, engines, replica messages)';
  const closing = app.close().then(() => {
    phase = 'the dashboard';
    return closeDashboard();
  });
  try {
    if (!(await settlesWithin(closing, STOP_DEADLINE_MS))) {
      logger.error(
        `stop: gave up after ${STOP_DEADLINE_MS / 1000} s waiting for ${phase} to close`,
      );
      return;
    }
    await closing;
  } finally {
    clearTimeout(force);
  }
}

/** Every connection clients have open, upgraded ones included. */
function openSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return sockets;
}

/**
 * The gateway is the hot path: its requests go straight to it, ahead of socket.io's and Express's
 * request handling (it streams raw bodies and needs neither). It gets a request id and the client
 * address as Express would give it, but no per-request log line; failures are logged and the audit
 * log has the writes. Upgrades (attach, exec) are routed the same way.
 */
function routeGatewayFirst(server: Server, gateway: DockerGateway, trustProxy: boolean): void {
  const others = server.listeners('request') as ((...args: unknown[]) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!gateway.matches(req.url)) {
      for (const listener of others) listener.call(server, req, res);
      return;
    }
    assignRequestId(req, res);
    setClientAddress(req, trustProxy);
    void gateway.handleRequest(req, res);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!gateway.matches(req.url)) {
      if (!isSocketIo(req.url)) refuseUpgrade(req, socket);
      return;
    }
    (req as IncomingMessage & { id: string }).id = requestIdFrom(req);
    setClientAddress(req, trustProxy);
    void gateway.handleUpgrade(req, socket, head);
  });
}

const isSocketIo = (url: string | undefined) => /^\/socket\.io(\/|\?|$)/.test(url ?? '');

/**
 * An upgrade asked of a path that has none (a webhook, the REST API): Node hands such a request
 * to the upgrade listeners without reading its body, so it cannot be answered as an ordinary
 * request. It is refused at once, naming the header, instead of holding the connection open.
 */
function refuseUpgrade(req: IncomingMessage, socket: Duplex): void {
  const requestId = requestIdFrom(req);
  const body = JSON.stringify({
    error: {
      code: 'VALIDATION_FAILED',
      message:
        'connection: this path cannot be upgraded: send the request without Connection: Upgrade',
      requestId,
      details: { issues: [{ path: 'connection', message: 'no upgrade on this path' }] },
    },
  });
  socket.on('error', () => socket.destroy());
  socket.end(
    [
      'HTTP/1.1 400 Bad Request',
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      `X-Request-Id: ${requestId}`,
      'Connection: close',
      '',
      body,
    ].join('\r\n'),
  );
}

/** `req.ip` as Express sets it: behind a trusted proxy, the first X-Forwarded-For address. */
function setClientAddress(req: IncomingMessage, trustProxy: boolean): void {
  const forwarded = trustProxy ? req.headers['x-forwarded-for'] : undefined;
  const first = typeof forwarded === 'string' ? forwarded.split(',')[0]?.trim() : undefined;
  (req as IncomingMessage & { ip: string }).ip = first || (req.socket.remoteAddress ?? '');
}

/** With REDIS_URL, socket.io rooms and broadcasts span every replica. */
async function connectReplicas(app: NestExpressApplication, config: Config): Promise<void> {
  if (!config.redisUrl) return;
  let redis;
  try {
    redis = await app.get(RedisConnection).redis();
  } catch (error) {
    await app.close().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new StartupError(
      `cannot use Redis at ${redactUrl(config.redisUrl)} (REDIS_URL): ${reason}`,
    );
  }
  app.useWebSocketAdapter(await ClusteredSocketAdapter.create(app, redis));
}

async function migrate(config: Config, logger: Logger): Promise<void> {
  const { provider, url } = config.database;
  try {
    const applied =
      provider === 'sqlite' ? migrateSqlite(url.slice('file:'.length)) : await migratePostgres(url);
    if (applied.length > 0)
      logger.info({ applied }, `applied ${applied.length} database migration(s)`);
  } catch (error) {
    const reason = (error as { code?: string; message?: string }).message ?? String(error);
    throw new StartupError(
      `cannot use the database at ${redactUrl(url)} (DATABASE_URL): ${reason}`,
    );
  }
}
