import type { Request } from 'express';

/** Where this server was reached, as the client (or a trusted proxy) said: webhook URLs start so. */
export function baseOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}
