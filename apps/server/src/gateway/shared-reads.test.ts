import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EngineExchange } from '../docker/engine-exchange.js';
import { forwardHeaders } from './engine-relay.js';
import { parseEnginePath } from './engine-path.js';
import { matchEngineRoute } from './engine-routes.js';
import type { GatewayCall } from './gateway-authoriser.js';
import { type Reader, SharedReads, sharedReadKey } from './shared-reads.js';

/** A request as the gateway sees it, and the call the authoriser would make of it. */
function callOf(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  rewrite?: (answer: unknown) => unknown,
): [IncomingMessage, GatewayCall] {
  const req = { method, url: `/api/hosts/h1/docker${path}`, headers } as IncomingMessage;
  const parsed = parseEnginePath(req.url!)!;
  const call = {
    hostId: 'h1',
    path: parsed,
    route: matchEngineRoute(method, parsed.route)?.route ?? null,
    headers: forwardHeaders(req),
    rewrite,
  } as GatewayCall;
  return [req, call];
}

const keyOf = (...args: Parameters<typeof callOf>) => sharedReadKey(...callOf(...args));

describe('sharedReadKey', () => {
  it.each([
    ['a list', '/v1.41/containers/json?all=1'],
    ['an inspect', '/v1.41/containers/abc/json'],
    ['a finished log', '/v1.41/containers/abc/logs?stdout=1&tail=100'],
    ['a log with follow=0', '/v1.41/containers/abc/logs?stdout=1&follow=0'],
    ['one stats sample', '/v1.41/containers/abc/stats?stream=false'],
    ['disk usage', '/v1.41/system/df'],
  ])('shares %s', (_what, path) => {
    expect(keyOf('GET', path)).not.toBeNull();
  });

  it.each([
    ['a followed log', 'GET', '/v1.41/containers/abc/logs?stdout=1&follow=1'],
    ['a followed log, follow=true', 'GET', '/v1.41/containers/abc/logs?follow=true'],
    ['streamed stats (the default)', 'GET', '/v1.41/containers/abc/stats'],
    ['events', 'GET', '/v1.41/events'],
    ['a change', 'POST', '/v1.41/containers/abc/start'],
    ['a HEAD', 'HEAD', '/v1.41/_ping'],
    ['a route outside the catalog', 'GET', '/v1.41/debug/pprof'],
  ])('never shares %s', (_what, method, path) => {
    expect(keyOf(method, path)).toBeNull();
  });

  it('never shares a read with a body, or one rewritten for its caller', () => {
    expect(keyOf('GET', '/v1.41/containers/json', { 'content-length': '2' })).toBeNull();
    expect(keyOf('GET', '/v1.41/containers/json', {}, (answer) => answer)).toBeNull();
  });

  it('keys on the host, the path and query, and every header the engine could read', () => {
    const base = keyOf('GET', '/v1.41/images/json');
    expect(keyOf('GET', '/v1.41/images/json', { 'user-agent': 'Docker-Client/28.2.2' })).toBe(base);
    expect(keyOf('GET', '/v1.41/images/json?all=1')).not.toBe(base);
    expect(keyOf('GET', '/v1.42/images/json')).not.toBe(base);
    expect(keyOf('GET', '/v1.41/images/json', { accept: 'application/json' })).not.toBe(base);
    const [req, call] = callOf('GET', '/v1.41/images/json');
    expect(sharedReadKey(req, { ...call, hostId: 'h2' })).not.toBe(base);
  });
});

/** An engine call that never answers on its own; the test says when it was given up. */
class PendingCall implements EngineExchange {
  aborted = false;
  abort(): void {
    this.aborted = true;
  }
}

const reader = (): Reader => ({ req: {} as IncomingMessage, res: {} as ServerResponse });

describe('SharedReads', () => {
  function sender() {
    const sent: PendingCall[] = [];
    const send = () => {
      const call = new PendingCall();
      sent.push(call);
      return call;
    };
    return { sent, send };
  }

  it('sends the first read at once and gathers the rest into one call sent at its head', () => {
    const reads = new SharedReads();
    const { sent, send } = sender();
    const first = reads.join('k', reader(), send);
    expect(sent).toHaveLength(1);
    const second = reads.join('k', reader(), send);
    const third = reads.join('k', reader(), send);
    expect(second).toBe(third);
    expect(second).not.toBe(first);
    expect(sent).toHaveLength(1);
    expect(reads.waiting()).toBe(3);
    reads.headed(first);
    expect(sent).toHaveLength(2);
    expect(second.exchange).toBe(sent[1]);
    // A read arriving now joins neither the answered call nor the one already sent.
    const fourth = reads.join('k', reader(), send);
    expect(fourth).not.toBe(second);
    expect(sent).toHaveLength(2);
    reads.headed(second);
    reads.headed(fourth);
    expect(sent).toHaveLength(3);
    expect(reads.waiting()).toBe(0);
  });

  it('keeps keys apart', () => {
    const reads = new SharedReads();
    const { sent, send } = sender();
    reads.join('k', reader(), send);
    reads.join('other', reader(), send);
    expect(sent).toHaveLength(2);
  });

  it('drops a gathering call nobody waits for, and gives up a sent one', () => {
    const reads = new SharedReads();
    const { sent, send } = sender();
    const alone = reader();
    const first = reads.join('k', alone, send);
    const leaving = reader();
    const staying = reader();
    const next = reads.join('k', leaving, send);
    reads.join('k', staying, send);
    reads.leave(next, leaving);
    reads.leave(next, staying);
    expect(reads.waiting()).toBe(1);
    reads.headed(first);
    expect(sent).toHaveLength(1);
    const again = reads.join('k', reader(), send);
    expect(sent).toHaveLength(2);
    expect(again.exchange).toBe(sent[1]);
    reads.leave(first, alone);
    expect(sent[0]!.aborted).toBe(true);
  });
});
