import { SESSION_COOKIE } from '@berth/shared';
import { NextResponse, type NextRequest } from 'next/server';
import { loginPath } from './lib/redirects';

/** The pages anyone may open: sign-in and first-run setup. */
const PUBLIC_PAGES = ['/login', '/setup'];

/**
 * A visitor without a session cookie is sent to sign-in by the server, before any page is served.
 * Left to the browser, the redirect waits for the page's scripts to load and hydrate and for
 * `/api/auth/me` to answer 401; on a busy machine that can take longer than anyone waits, and a
 * page whose scripts fail to load never redirects at all. Only the cookie's presence is looked at
 * here: a session that has ended is still answered 401 by the API and sent to sign-in by the app
 * shell (`lib/api.ts`).
 */
export function proxy(request: NextRequest): NextResponse {
  const { pathname, search } = request.nextUrl;
  const open = PUBLIC_PAGES.some((page) => pathname === page || pathname.startsWith(`${page}/`));
  if (open || request.cookies.has(SESSION_COOKIE)) return NextResponse.next();
  return NextResponse.redirect(new URL(loginPath(pathname + search), request.url));
}

export const config = {
  // Not the API and socket.io (the server answers them before the dashboard), scripts and icons.
  matcher: ['/((?!api/|socket\\.io/|_next/|icon\\.svg|favicon\\.ico).*)'],
};
