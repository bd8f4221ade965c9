import type { IncomingMessage } from 'node:http';

export interface PrincipalUser {
  id: string;
  username: string;
  displayName: string;
  isAdmin: boolean;
}

/** Who is making a request, and through which credential. */
export type Principal =
  | { kind: 'session'; user: PrincipalUser; sessionId: string; csrfToken: string }
  | { kind: 'token'; user: PrincipalUser; tokenId: string };

export type RequestWithPrincipal = IncomingMessage & { principal?: Principal };

export function principalOf(req: IncomingMessage): Principal | undefined {
  return (req as RequestWithPrincipal).principal;
}
