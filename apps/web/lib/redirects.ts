/** Where to send someone whose session ended, so they come back to the page they were on. */
export function loginPath(next: string): string {
  return next === '/' || next === '' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
}

/**
 * The `next` parameter is attacker-controlled (anyone can send a login link), so only same-origin
 * paths are followed: `//evil.example` and `/\evil.example` are protocol-relative URLs.
 */
export function safeNextPath(raw: string | null): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  if (raw.startsWith('/login') || raw.startsWith('/setup')) return '/';
  return raw;
}
