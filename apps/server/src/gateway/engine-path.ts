import { AppError } from '../common/app-error.js';

/** `/api/hosts/<id>/docker<engine path>` — the raw URL, before any decoding. */
export const GATEWAY_URL = /^\/api\/hosts\/([^/?#]+)\/docker(\/[^?#]*)?(\?[^#]*)?$/;

export interface EnginePath {
  hostId: string;
  /** What is sent to the engine: the path as the client wrote it, version prefix and query kept. */
  forward: string;
  /** The path without the version prefix, for routing and permissions: `/containers/abc/start`. */
  route: string;
  query: URLSearchParams;
}

/**
 * Splits and checks a gateway URL. Anything that could resolve to another path on the engine
 * than the one that was authorised is refused: dot segments, encoded slashes or dots, backslashes,
 * empty segments and control characters.
 */
export function parseEnginePath(rawUrl: string): EnginePath | null {
  const match = GATEWAY_URL.exec(rawUrl);
  if (!match) return null;
  const [, rawHostId = '', rawPath = '/', rawQuery = ''] = match;
  const hostId = decodeURIComponent(rawHostId);
  if (!/^[\w-]{1,64}$/.test(hostId)) throw reject('malformed host id');
  if (/%(2f|5c|2e|00)/i.test(rawPath))
    throw reject('encoded slash, backslash, dot or NUL in the path');
  if (rawPath.includes('\\') || hasControlCharacter(rawPath))
    throw reject('backslash or control character in the path');
  const segments = rawPath.split('/').slice(1);
  if (segments.some((s, i) => (s === '' && i !== segments.length - 1) || s === '.' || s === '..')) {
    throw reject('empty or dot segment in the path');
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    throw reject('malformed percent-encoding in the path');
  }
  const route = decoded.replace(/^\/v\d+\.\d+(?=\/|$)/, '') || '/';
  return {
    hostId,
    forward: rawPath + rawQuery,
    route,
    query: new URLSearchParams(rawQuery.slice(1)),
  };
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function reject(why: string): AppError {
  return new AppError('PATH_REJECTED', `path rejected: ${why}`);
}
