import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import ssh2, { type Connection, type PublicKeyAuthContext } from 'ssh2';

export interface LimitedSshServer {
  /** The host URL to register in Berth, e.g. `ssh://berth@127.0.0.1:40123`. */
  url: string;
  /** The client's private key (OpenSSH format, no passphrase). */
  privateKey: string;
  /** What the server saw: connections made, session channels refused, most sessions at once. */
  stats: { connections: number; refused: number; peakSessions: number };
  close(): Promise<void>;
}

/**
 * An SSH server in the test process that behaves like OpenSSH with its default `MaxSessions 10`:
 * it refuses one more session channel on a connection that has that many open. The one command it
 * runs, `docker system dial-stdio`, is served by joining the channel to a real engine's socket.
 * (The fleet's sshd allows 100 sessions, so it cannot show the limit.)
 */
export async function startLimitedSshServer(
  engineSocketPath: string,
  maxSessions = 10,
): Promise<LimitedSshServer> {
  const clientKey = ssh2.utils.generateKeyPairSync('ed25519');
  const hostKey = ssh2.utils.generateKeyPairSync('ed25519');
  const allowed = ssh2.utils.parseKey(clientKey.public);
  if (allowed instanceof Error) throw allowed;
  const stats = { connections: 0, refused: 0, peakSessions: 0 };

  const authenticate = (ctx: PublicKeyAuthContext) => {
    const known = ctx.key.algo === allowed.type && ctx.key.data.equals(allowed.getPublicSSH());
    if (!known) return ctx.reject(['publickey']);
    if (!ctx.signature || !ctx.blob) return ctx.accept(); // the client only asks if the key would do
    return allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true
      ? ctx.accept()
      : ctx.reject(['publickey']);
  };

  const serve = (client: Connection) => {
    stats.connections += 1;
    let sessions = 0;
    client.on('error', () => undefined);
    client.on('authentication', (ctx) =>
      ctx.method === 'publickey' ? authenticate(ctx) : ctx.reject(['publickey']),
    );
    client.on('ready', () => {
      client.on('session', (accept, reject) => {
        if (sessions >= maxSessions) {
          stats.refused += 1;
          reject();
          return;
        }
        sessions += 1;
        stats.peakSessions = Math.max(stats.peakSessions, sessions);
        const session = accept();
        session.once('close', () => (sessions -= 1));
        session.once('exec', (acceptExec, rejectExec, info) => {
          if (info.command !== 'docker system dial-stdio') return rejectExec();
          const channel = acceptExec();
          const engine = connect(engineSocketPath);
          channel.pipe(engine).pipe(channel);
          engine.on('error', () => channel.destroy());
          channel.on('close', () => engine.destroy());
        });
      });
    });
  };

  const server = new ssh2.Server({ hostKeys: [hostKey.private] }, serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ssh://berth@127.0.0.1:${port}`,
    privateKey: clientKey.private,
    stats,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
