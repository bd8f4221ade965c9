/** Parsers for the short forms of the compose file (the spec's "short syntax" sections). */

export interface ShortVolume {
  type: 'volume' | 'bind';
  source?: string;
  target: string;
  read_only?: boolean;
  bind?: { propagation?: string; selinux?: string; create_host_path?: boolean };
  volume?: { nocopy?: boolean };
}

const PROPAGATION = new Set(['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate']);

/** `[SOURCE:]TARGET[:MODE]`; a source starting with `.`, `/` or `~` is a bind mount. */
export function parseShortVolume(spec: string): ShortVolume | undefined {
  const parts = spec.split(':');
  if (parts.length > 3 || parts.some((part) => part === '')) return undefined;
  if (parts.length === 1) return { type: 'volume', target: parts[0] ?? '' };
  const [source = '', target = '', mode] = parts;
  const isBind = source.startsWith('.') || source.startsWith('/') || source.startsWith('~');
  const volume: ShortVolume = isBind
    ? { type: 'bind', source, target, bind: { create_host_path: true } }
    : { type: 'volume', source, target };
  for (const option of mode ? mode.split(',') : []) {
    if (option === 'ro' || option === 'rw') volume.read_only = option === 'ro';
    else if (option === 'z' || option === 'Z') volume.bind = { ...volume.bind, selinux: option };
    else if (PROPAGATION.has(option)) volume.bind = { ...volume.bind, propagation: option };
    else if (option === 'nocopy') volume.volume = { nocopy: true };
    else return undefined;
  }
  return volume;
}

export interface PortSpec {
  target: number;
  published?: string;
  host_ip?: string;
  protocol: string;
}

/**
 * `[HOST_IP:][PUBLISHED[-RANGE]:]TARGET[-RANGE][/PROTOCOL]`, an IPv6 host address in brackets.
 * A range expands to one entry per port, as Compose does; a published range with a single target
 * keeps the range as published (the engine picks one).
 */
export function parseShortPort(spec: string | number): PortSpec[] | undefined {
  let text = String(spec);
  let protocol = 'tcp';
  const slash = text.lastIndexOf('/');
  if (slash >= 0) {
    protocol = text.slice(slash + 1);
    text = text.slice(0, slash);
  }
  let hostIp: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || text[close + 1] !== ':') return undefined;
    hostIp = text.slice(1, close);
    text = text.slice(close + 2);
  }
  const parts = text.split(':');
  if (parts.length > 3 || (hostIp !== undefined && parts.length > 2)) return undefined;
  if (parts.length === 3) hostIp = parts.shift();
  const targetText = parts.pop() ?? '';
  const publishedText = parts.pop();
  const targets = range(targetText);
  if (!targets) return undefined;
  const published = publishedText === undefined || publishedText === '' ? undefined : publishedText;
  const publishedRange = published === undefined ? undefined : range(published);
  if (published !== undefined && !publishedRange) return undefined;
  const base = { protocol, ...(hostIp ? { host_ip: hostIp } : {}) };
  if (!publishedRange) return targets.map((target) => ({ ...base, target }));
  if (targets.length === 1 && publishedRange.length > 1) {
    return [{ ...base, target: targets[0] ?? 0, published }];
  }
  if (publishedRange.length !== targets.length) return undefined;
  return targets.map((target, i) => ({ ...base, target, published: String(publishedRange[i]) }));
}

function range(text: string): number[] | undefined {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = match[2] === undefined ? start : Number(match[2]);
  if (start < 1 || end > 65535 || end < start) return undefined;
  return Array.from({ length: end - start + 1 }, (_, i) => start + i);
}

/**
 * Splits a command string into arguments like a POSIX shell word splitter (compose-go uses
 * shellwords): quotes group, backslash escapes, no expansion.
 */
export function splitCommand(command: string): string[] | undefined {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const char = command[i] ?? '';
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
      continue;
    }
    if (char === '\\' && i + 1 < command.length) {
      const next = command[i + 1] ?? '';
      if (quote === '"' && !['"', '\\', '$', '`'].includes(next)) word += char;
      word += next;
      inWord = true;
      i++;
      continue;
    }
    if (quote === '"') {
      if (char === '"') quote = undefined;
      else word += char;
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (quote) return undefined;
  if (inWord) words.push(word);
  return words;
}
