#!/usr/bin/env node
// The test fleet's registry token service: what a registry's `auth.token` points at (the
// distribution token flow: `GET /token?service=…&scope=…` with HTTP basic auth, answered with a JWT
// the registry checks against `rootcertbundle`). No dependencies: node:http and node:crypto.
//
//   node token-service.mjs LISTEN USERS KEY CERT ISSUER SERVICE
//
// LISTEN  host:port to serve on
// USERS   file of `name:password:grants` lines; grants is `all` (pull, push, delete, catalog) or
//         `pull` (pull only, no catalog)
// KEY     PEM RSA private key the tokens are signed with
// CERT    PEM certificate of that key (sent in the token's x5c header; the registry trusts it)
// ISSUER  the token's `iss`, as the registry's `auth.token.issuer`
// SERVICE the registry's `auth.token.service`; tokens for another service are refused
//
// Anonymous requests get a token without access (the registry then answers 401), as Docker Hub
// does; a wrong password is answered 401 with the reason.
import { createHash, createSign, randomUUID, timingSafeEqual, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [listen, usersFile, keyFile, certFile, issuer, service] = process.argv.slice(2);
if (!service) {
  process.stderr.write('usage: token-service.mjs LISTEN USERS KEY CERT ISSUER SERVICE\n');
  process.exit(2);
}
const TOKEN_SECONDS = 300;
const key = readFileSync(keyFile, 'utf8');
const x5c = [new X509Certificate(readFileSync(certFile)).raw.toString('base64')];
const users = new Map(
  readFileSync(usersFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name, password, grants] = line.split(':');
      return [name, { password, grants }];
    }),
);

const b64url = (value) => Buffer.from(value).toString('base64url');

function sign(claims) {
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', x5c }));
  const body = b64url(JSON.stringify(claims));
  const signature = createSign('RSA-SHA256').update(`${header}.${body}`).sign(key);
  return `${header}.${body}.${signature.toString('base64url')}`;
}

/** Compares without telling by its timing how much of the password was right. */
function samePassword(given, stored) {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(stored).digest();
  return timingSafeEqual(a, b);
}

/** `repository:team/app:pull,push` → { type, name, actions }, limited to what the user may do. */
function granted(scope, grants) {
  const [type, ...rest] = scope.split(':');
  const actions = (rest.pop() ?? '').split(',').filter(Boolean);
  const name = rest.join(':');
  if (type === 'registry' && name === 'catalog') {
    return grants === 'all' ? { type, name, actions: ['*'] } : null;
  }
  if (type !== 'repository' || !name) return null;
  const allowed = grants === 'all' ? ['pull', 'push', 'delete', '*'] : ['pull'];
  return { type, name, actions: actions.filter((action) => allowed.includes(action)) };
}

function answer(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://token.invalid');
  if (url.pathname !== '/token') return answer(res, 404, { details: 'not found' });
  if (url.searchParams.get('service') !== service) {
    return answer(res, 400, { details: `unknown service ${url.searchParams.get('service')}` });
  }
  let account = null;
  const auth = req.headers.authorization ?? '';
  if (auth.startsWith('Basic ')) {
    const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const name = decoded.slice(0, colon);
    const user = users.get(name);
    if (colon < 0 || !user || !samePassword(decoded.slice(colon + 1), user.password)) {
      return answer(res, 401, { details: 'incorrect username or password' });
    }
    account = { name, ...user };
  }
  const access = account
    ? url.searchParams
        .getAll('scope')
        .flatMap((scope) => scope.split(' '))
        .map((scope) => granted(scope, account.grants))
        .filter((grant) => grant && grant.actions.length > 0)
    : [];
  const now = Math.floor(Date.now() / 1000);
  const token = sign({
    iss: issuer,
    sub: account?.name ?? '',
    aud: service,
    exp: now + TOKEN_SECONDS,
    nbf: now - 10,
    iat: now,
    jti: randomUUID(),
    access,
  });
  answer(res, 200, {
    token,
    access_token: token,
    expires_in: TOKEN_SECONDS,
    issued_at: new Date(now * 1000).toISOString(),
  });
});

const colon = listen.lastIndexOf(':');
server.listen(Number(listen.slice(colon + 1)), listen.slice(0, colon), () => {
  process.stdout.write(`token service for ${service} on ${listen}\n`);
});
