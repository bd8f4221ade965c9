import type { TPlugin, TPluginPrivilege } from '@berth/shared';

/** A plugin as `GET /plugins` and `GET /plugins/{name}/json` answer (Engine API 1.41). */
export interface EnginePlugin {
  Id: string;
  Name: string;
  Enabled: boolean;
  PluginReference?: string;
  Settings?: {
    Env?: string[] | null;
    Args?: string[] | null;
    Mounts?: { Name?: string; Source?: string | null }[] | null;
    Devices?: { Name?: string; Path?: string | null }[] | null;
  };
  Config?: {
    Description?: string;
    Interface?: { Types?: EngineInterfaceType[] };
    Env?: {
      Name: string;
      Description?: string;
      Settable?: string[] | null;
      Value?: string | null;
    }[];
    Mounts?: {
      Name?: string;
      Description?: string;
      Source?: string | null;
      Destination?: string;
      Settable?: string[] | null;
    }[];
    Linux?: {
      Devices?:
        | {
            Name?: string;
            Description?: string;
            Path?: string | null;
            Settable?: string[] | null;
          }[]
        | null;
    };
    Args?: { Value?: string[] | null; Settable?: string[] | null };
  };
}

/** An interface type: an object in the API's JSON, a string in older answers. */
type EngineInterfaceType = { Prefix?: string; Capability?: string; Version?: string } | string;

/** The engine's privilege as its API spells it. */
export interface EnginePrivilege {
  Name: string;
  Description: string;
  Value: string[] | null;
}

/** `name:tag` split at the tag's colon (a registry's port colon comes before a slash). */
export function splitTag(name: string): { name: string; tag: string } {
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/'))
    return { name: name.slice(0, colon), tag: name.slice(colon + 1) };
  return { name, tag: 'latest' };
}

/** `docker.volumedriver/1.0`, whichever of its two spellings the engine used. */
function typeName(type: EngineInterfaceType): string {
  if (typeof type === 'string') return type;
  return `${type.Prefix ?? 'docker'}.${type.Capability ?? ''}/${type.Version ?? ''}`;
}

/** The list item of a plugin: its settings as configured now, beside what may be changed. */
export function toPlugin(plugin: EnginePlugin): TPlugin {
  const config = plugin.Config ?? {};
  const settings = plugin.Settings ?? {};
  const envNow = new Map(
    (settings.Env ?? []).map((kv) => {
      const eq = kv.indexOf('=');
      return eq < 0 ? [kv, null] : [kv.slice(0, eq), kv.slice(eq + 1)];
    }),
  );
  const mountsNow = new Map((settings.Mounts ?? []).map((m) => [m.Name ?? '', m.Source ?? null]));
  const devicesNow = new Map((settings.Devices ?? []).map((d) => [d.Name ?? '', d.Path ?? null]));
  const types = (config.Interface?.Types ?? []).map(typeName);
  const { name, tag } = splitTag(plugin.Name);
  return {
    id: plugin.Id,
    name,
    tag,
    reference: plugin.PluginReference ?? plugin.Name,
    enabled: plugin.Enabled,
    type: (types[0] ?? '').replace(/^docker\./, '').replace(/\/.*$/, ''),
    types,
    description: config.Description ?? '',
    settings: {
      env: (config.Env ?? []).map((e) => ({
        name: e.Name,
        description: e.Description ?? '',
        value: envNow.has(e.Name) ? (envNow.get(e.Name) ?? null) : (e.Value ?? null),
        settable: e.Settable ?? [],
      })),
      mounts: (config.Mounts ?? []).map((m) => ({
        name: m.Name ?? '',
        description: m.Description ?? '',
        source: mountsNow.get(m.Name ?? '') ?? m.Source ?? null,
        destination: m.Destination ?? '',
        settable: m.Settable ?? [],
      })),
      devices: (config.Linux?.Devices ?? []).map((d) => ({
        name: d.Name ?? '',
        description: d.Description ?? '',
        path: devicesNow.get(d.Name ?? '') ?? d.Path ?? null,
        settable: d.Settable ?? [],
      })),
      args: {
        value: settings.Args ?? config.Args?.Value ?? [],
        settable: config.Args?.Settable ?? [],
      },
    },
  };
}

export function toPrivilege(p: EnginePrivilege): TPluginPrivilege {
  return { name: p.Name, description: p.Description, value: p.Value ?? [] };
}

export function toEnginePrivilege(p: TPluginPrivilege): EnginePrivilege {
  return { Name: p.name, Description: p.description, Value: p.value };
}

/** Whether the user accepted exactly what the plugin asks for (order aside). */
export function samePrivileges(asked: TPluginPrivilege[], accepted: TPluginPrivilege[]): boolean {
  const key = (list: TPluginPrivilege[]) =>
    JSON.stringify(list.map((p) => [p.name, [...p.value].sort()]).sort());
  return key(asked) === key(accepted);
}
