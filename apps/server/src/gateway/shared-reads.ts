import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import type { EngineExchange } from '../docker/engine-exchange.js';
import type { EngineRoute } from './engine-routes.js';
import type { GatewayCall } from './gateway-authoriser.js';
import { hasBody } from './request-body.js';

/**
 * Request headers that never change what the engine answers to a read, left out of the key: two
 * clients that differ only in these still share a call.
 */
const NEUTRAL_HEADERS = new Set(['host', 'user-agent', 'accept-encoding', 'x-request-id']);

/** A client waiting on a shared read: its request and where its answer goes. */
export interface Reader {
  req: IncomingMessage;
  res: ServerResponse;
}

/** Makes a round's engine call, whose answer goes to the round's readers. */
export type SendRound = (round: SharedRound) => EngineExchange;

/** One engine call and the readers it answers. */
export class SharedRound {
  readonly readers = new Set<Reader>();
  /** Set once the call is sent. */
  exchange: EngineExchange | null = null;

  constructor(
    readonly key: string,
    /** How the call is made: as the first reader of the round asked it. */
    readonly send: SendRound,
  ) {}
}

/** The call of a key that waits for the engine's answer head, and the one gathering behind it. */
interface KeyRounds {
  asking: SharedRound | null;
  next: SharedRound | null;
}

/**
 * Identical reads of one host that arrive together share one engine call, answered to each of
 * them: 32 dashboards or scripts polling the same list cost the engine one list, not 32. A read
 * joins only a call that has not been sent yet, so whatever it is answered was read from the engine
 * after the read arrived: a client that changed something and then reads sees its change. Per key,
 * one call at a time waits for the engine's answer head; reads arriving meanwhile gather into the
 * next call, sent as soon as that head comes (or the call fails). A slow reader of a long answer
 * thus never holds up the next call, only its own copy.
 */
@Injectable()
export class SharedReads {
  private readonly keys = new Map<string, KeyRounds>();

  /**
   * Adds `reader` to the next call for `key`, sent at once when no call of that key waits on the
   * engine. `send` makes the call if this reader opens the round; the answer goes to the round's
   * readers, and `headed` must be called once the engine answered or the call failed.
   */
  join(key: string, reader: Reader, send: SendRound): SharedRound {
    let rounds = this.keys.get(key);
    if (!rounds) {
      rounds = { asking: null, next: null };
      this.keys.set(key, rounds);
    }
    const round = rounds.next ?? new SharedRound(key, send);
    round.readers.add(reader);
    if (rounds.asking === null) this.ask(rounds, round);
    else rounds.next = round;
    return round;
  }

  /** Readers waiting for the engine's answer head, in calls sent or gathering behind them. */
  waiting(): number {
    let count = 0;
    for (const { asking, next } of this.keys.values()) {
      count += (asking?.readers.size ?? 0) + (next?.readers.size ?? 0);
    }
    return count;
  }

  /** The round's call got its answer head or failed: the round gathering behind it goes now. */
  headed(round: SharedRound): void {
    const rounds = this.keys.get(round.key);
    if (!rounds || rounds.asking !== round) return;
    rounds.asking = null;
    const next = rounds.next;
    if (next === null) {
      this.keys.delete(round.key);
      return;
    }
    rounds.next = null;
    this.ask(rounds, next);
  }

  /**
   * A reader left (its client went away). A round nobody waits for any more is dropped before it
   * is sent, and its engine call given up after.
   */
  leave(round: SharedRound, reader: Reader): void {
    if (!round.readers.delete(reader) || round.readers.size > 0) return;
    if (round.exchange !== null) {
      round.exchange.abort();
      return;
    }
    const rounds = this.keys.get(round.key);
    if (rounds?.next !== round) return;
    rounds.next = null;
    if (rounds.asking === null) this.keys.delete(round.key);
  }

  private ask(rounds: KeyRounds, round: SharedRound): void {
    rounds.asking = round;
    round.exchange = round.send(round);
  }
}

/**
 * The key under which a call may share its engine call with identical ones, or null when it must
 * have its own: only reads without a body whose answer ends on its own (not followed logs, streamed
 * stats or events) and is the same for every caller (not rewritten for one: filtered lists, masked
 * inspects). The key is the host, the path with its query, and every header the engine could read.
 */
export function sharedReadKey(req: IncomingMessage, call: GatewayCall): string | null {
  if (req.method !== 'GET' || call.rewrite || call.route === null || hasBody(req)) return null;
  if (!endsOnItsOwn(call.route, call.path.query)) return null;
  const parts = [call.hostId, call.path.forward];
  for (const name of Object.keys(call.headers).sort()) {
    if (!NEUTRAL_HEADERS.has(name)) parts.push(name, String(call.headers[name]));
  }
  return parts.join('\n');
}

/** Whether the engine ends this answer by itself rather than keep it open while it has more. */
function endsOnItsOwn(route: EngineRoute, query: URLSearchParams): boolean {
  if (route.answer === 'progress' || route.upgrade) return false;
  if (route.answer !== 'lines') return true;
  if (route.path.endsWith('/logs')) return !engineFlag(query, 'follow', false);
  if (route.path.endsWith('/stats')) return !engineFlag(query, 'stream', true);
  return false;
}

/** A boolean query parameter as the engine reads it: absent is the default; "", 0, no, false, none are false. */
function engineFlag(query: URLSearchParams, name: string, absent: boolean): boolean {
  const value = query.get(name);
  if (value === null) return absent;
  return !['', '0', 'no', 'false', 'none'].includes(value.trim().toLowerCase());
}
