import type { IncomingMessage } from 'node:http';
import { SESSION_COOKIE } from '@berth/shared';
import { parse, serialize } from 'cookie';

export function readSessionCookie(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  return header ? parse(header)[SESSION_COOKIE] : undefined;
}

/** httpOnly + SameSite=Lax; Secure when the request came over HTTPS (directly or via a trusted proxy). */
export function sessionCookie(value: string, maxAgeMs: number, secure: boolean): string {
  return serialize(SESSION_COOKIE, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: Math.floor(maxAgeMs / 1000),
  });
}

export function clearedSessionCookie(secure: boolean): string {
  return serialize(SESSION_COOKIE, '', {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: 0,
  });
}
