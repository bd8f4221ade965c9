/**
 * Image references read exactly as the Docker engine reads them (the distribution reference
 * grammar and its "normalized named" rules), so that Berth knows which registry host a pull or
 * push will contact before it hands the engine a stored login for it. Reading `EVIL/x` as a Docker
 * Hub image, as a looser parser would, sends the Hub password to a host called EVIL.
 *
 * - The first path component is a registry host when it is `localhost`, contains `.` or `:`, or
 *   has an upper-case letter (repository paths are lower case, so current engines take such a
 *   component for a host; older ones refuse the reference). Otherwise the image is on Docker Hub.
 * - `index.docker.io` is Docker Hub's old name and reads as `docker.io`; a Hub image with no
 *   namespace is an official one, under `library/`.
 * - The path is lower case; a tag is up to 128 word characters, dots and dashes; a digest must be
 *   a known algorithm with the hex length that algorithm makes.
 */

export interface ImageReference {
  /**
   * The registry host (and port) as the engine will contact it, spelled as given (`docker.io`,
   * `localhost:5000`, `Foo.io:5000`, `EVIL`). Empty in the one odd case the grammar allows: a
   * first component with a dot that is not a host name (`my_host.com/x`), which names no registry.
   */
  domain: string;
  /** The repository on that registry: `library/busybox`, `team/app`. */
  path: string;
  tag: string | null;
  digest: string | null;
}

export type ParsedImageReference =
  { ok: true; reference: ImageReference } | { ok: false; error: string };

const DOCKER_HUB = 'docker.io';
const LEGACY_DOCKER_HUB = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
const MAX_PATH_LENGTH = 255;

// The grammar, piece by piece. JavaScript's backtracking picks the same alternatives as Go's
// leftmost-first matching, so the captures below split a name where the engine splits it.
const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6_ADDRESS = '\\[[a-fA-F0-9:]+\\]';
const DOMAIN_AND_PORT = `(?:${DOMAIN_NAME}|${IPV6_ADDRESS})(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';

const REFERENCE = new RegExp(
  `^((?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);
const NAME = new RegExp(`^(?:(${DOMAIN_AND_PORT})/)?(${REMOTE_NAME})$`);
/** An image id, which the engine refuses to read as a name. */
const IMAGE_ID = /^[a-f0-9]{64}$/;
/** Hex digits each digest algorithm the engine knows makes (lower case only). */
const DIGEST_LENGTHS = new Map([
  ['sha256', 64],
  ['sha384', 96],
  ['sha512', 128],
]);

/**
 * Reads a reference as `docker pull` and the engine's pull and push endpoints do; the error is
 * the engine's own wording, for a reference it would refuse.
 */
export function parseImageReference(text: string): ParsedImageReference {
  if (IMAGE_ID.test(text)) {
    return refused(`invalid repository name (${text}), cannot specify 64-byte hexadecimal strings`);
  }
  const [domain, remainder] = splitRegistry(text);
  const colon = remainder.indexOf(':');
  const repository = colon === -1 ? remainder : remainder.slice(0, colon);
  if (repository.toLowerCase() !== repository) {
    return refused(`invalid reference format: repository name (${repository}) must be lowercase`);
  }
  return parseQualified(`${domain}/${remainder}`);
}

/**
 * The registry part and the rest. A single component is always a Docker Hub name (`localhost`
 * and `example.com` alone are repositories, `busybox:1.0` a name and a tag, not a host and port).
 */
function splitRegistry(text: string): [string, string] {
  const slash = text.indexOf('/');
  if (slash === -1) return [DOCKER_HUB, OFFICIAL_PREFIX + text];
  const first = text.slice(0, slash);
  const rest = text.slice(slash + 1);
  let split: [string, string];
  if (first === 'localhost') split = [first, rest];
  else if (first === LEGACY_DOCKER_HUB) split = [DOCKER_HUB, rest];
  else if (/[.:]/.test(first) || first.toLowerCase() !== first) split = [first, rest];
  else split = [DOCKER_HUB, text];
  const [domain, path] = split;
  return domain === DOCKER_HUB && !path.includes('/') ? [domain, OFFICIAL_PREFIX + path] : split;
}

/** A fully qualified reference against the grammar, with the checks past it. */
function parseQualified(text: string): ParsedImageReference {
  const match = REFERENCE.exec(text);
  if (!match) {
    const lower = text.toLowerCase();
    return refused(
      lower !== text && REFERENCE.test(lower)
        ? 'repository name must be lowercase'
        : 'invalid reference format',
    );
  }
  const [, name = '', tag, digest] = match;
  const [, domain = '', path = ''] = NAME.exec(name) ?? [];
  if (path.length > MAX_PATH_LENGTH) {
    return refused(`repository name must not be more than ${MAX_PATH_LENGTH} characters`);
  }
  if (digest !== undefined) {
    const problem = digestProblem(digest);
    if (problem !== null) return refused(problem);
  }
  return { ok: true, reference: { domain, path, tag: tag ?? null, digest: digest ?? null } };
}

function digestProblem(digest: string): string | null {
  const colon = digest.indexOf(':');
  const length = DIGEST_LENGTHS.get(digest.slice(0, colon));
  const encoded = digest.slice(colon + 1);
  if (length === undefined) {
    // An algorithm the engine does not know is named as such only when it is spelled as one.
    return /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(digest)
      ? 'unsupported digest algorithm'
      : 'invalid checksum digest format';
  }
  if (encoded.length !== length) return 'invalid checksum digest length';
  return /^[a-f0-9]+$/.test(encoded) ? null : 'invalid checksum digest format';
}

function refused(error: string): ParsedImageReference {
  return { ok: false, error };
}

/** The tag `docker pull` means when a reference names none. */
export const DEFAULT_IMAGE_TAG = 'latest';

/**
 * A reference with the tag a pull of it means: without a tag or digest the engine's pull endpoint
 * would fetch every tag, where `docker pull` means `:latest`. A reference the engine refuses is
 * left as given, for the engine to refuse in its own words.
 */
export function withDefaultTag(image: string): string {
  const parsed = parseImageReference(image);
  if (!parsed.ok || parsed.reference.tag !== null || parsed.reference.digest !== null) return image;
  return `${image}:${DEFAULT_IMAGE_TAG}`;
}
