import http from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * Where requests go. Both sides get the same kind of keep-alive pool, so the comparison measures
 * the gateway and not connection setup.
 */
export function newAgent() {
  return new http.Agent({ keepAlive: true, maxSockets: 64 });
}

/** The engine's own API on its unix socket. */
export function engineTarget(socketPath) {
  return { connect: { socketPath, agent: newAgent() }, prefix: '', headers: { host: 'docker' } };
}

/** Berth itself (its REST API), reached on 127.0.0.1 only. */
export function berthTarget(port) {
  return { connect: { host: '127.0.0.1', port, agent: newAgent() }, prefix: '', headers: {} };
}

/** The same engine through Berth's gateway, authenticated the way scripts and the docker CLI are. */
export function gatewayTarget(port, hostId, token) {
  return {
    connect: { host: '127.0.0.1', port, agent: newAgent() },
    prefix: `/api/hosts/${encodeURIComponent(hostId)}/docker`,
    headers: { authorization: `Bearer ${token}` },
  };
}

export function closeTarget(target) {
  target.connect.agent.destroy();
}

/**
 * One request, read to the end. Timings start before the request is created so that agent
 * queueing counts, as a real client would feel it. The body is only kept when asked for: the load
 * loop counts bytes and lets the chunks go. A request cut short (by `signal` or by either peer)
 * rejects with an error that still tells how far it got (`bytes`, `ttfbMs`).
 */
export function send(
  target,
  { method = 'GET', path, headers = {}, body, keepBody = false, signal },
) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let bytes = 0;
    let firstByteAt = null;
    const fail = (error) => {
      const ttfbMs = firstByteAt === null ? null : firstByteAt - start;
      reject(Object.assign(error, { bytes, ttfbMs }));
    };
    const options = {
      ...target.connect,
      method,
      path: target.prefix + path,
      headers: { ...target.headers, ...headers },
      signal,
    };
    const req = http.request(options, (res) => {
      const chunks = [];
      res.on('data', (chunk) => {
        firstByteAt ??= performance.now();
        bytes += chunk.length;
        if (keepBody) chunks.push(chunk);
      });
      res.once('error', fail);
      res.once('close', () => {
        if (!res.complete) fail(new Error('response cut short'));
      });
      res.once('end', () => {
        const end = performance.now();
        resolve({
          status: res.statusCode,
          headers: res.headers,
          bytes,
          ttfbMs: (firstByteAt ?? end) - start,
          totalMs: end - start,
          body: keepBody ? Buffer.concat(chunks) : null,
        });
      });
    });
    req.once('error', fail);
    req.end(body);
  });
}

/** A JSON call that must answer one of `expect`; setup and cleanup use it, never the load loop. */
export async function callJson(target, method, path, { body, headers = {}, expect = [200] } = {}) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const jsonHeaders =
    payload === undefined ? headers : { 'content-type': 'application/json', ...headers };
  const res = await send(target, {
    method,
    path,
    headers: jsonHeaders,
    body: payload,
    keepBody: true,
  });
  const text = res.body.toString('utf8');
  if (!expect.includes(res.status)) {
    throw new Error(
      `${method} ${target.prefix}${path} answered ${res.status}: ${text.slice(0, 300)}`,
    );
  }
  return { status: res.status, headers: res.headers, json: text === '' ? null : JSON.parse(text) };
}
