import { describe, expect, it } from '@jest/globals';
import {
  checkContainerCreate,
  checkContainerCreateWithShares,
  checkExecCreate,
  checkVolumeCreate,
  type ContainerLookup,
} from './policy.js';
import { DEFAULT_HOST_POLICY, type THostPolicy, ZHostPolicy } from './schemas/host-policy.js';

const strict = DEFAULT_HOST_POLICY;
const open: THostPolicy = {
  forbidPrivileged: false,
  bindMounts: 'allow',
  allowedBindPrefixes: [],
  forbidHostPid: false,
  forbidHostIpc: false,
  forbidHostNetwork: false,
  forbidHostUts: false,
  forbidHostUserns: false,
  forbidHostCgroupns: false,
  forbidDevices: false,
  forbidAddedCapabilities: false,
  forbidSysctls: false,
};
const listed: THostPolicy = {
  ...strict,
  bindMounts: 'allow-listed',
  allowedBindPrefixes: ['/srv/data/'],
};

const paths = (policy: THostPolicy, hostConfig: unknown) =>
  checkContainerCreate(policy, { Image: 'busybox', HostConfig: hostConfig }).map((i) => i.path);

/** Everything a hostile create body can ask for, one field each. */
const EVERYTHING = {
  Privileged: true,
  Binds: ['/etc:/host-etc:ro'],
  Mounts: [{ Type: 'bind', Source: '/var/run/docker.sock', Target: '/sock' }],
  PidMode: 'host',
  IpcMode: 'host',
  NetworkMode: 'host',
  UTSMode: 'host',
  UsernsMode: 'host',
  CgroupnsMode: 'host',
  Devices: [{ PathOnHost: '/dev/sda', PathInContainer: '/dev/sda', CgroupPermissions: 'rwm' }],
  CapAdd: ['SYS_ADMIN'],
  Sysctls: { 'net.ipv4.ip_forward': '1' },
};

describe('the host policy schema', () => {
  it('defaults every field to the safe choice', () => {
    expect(DEFAULT_HOST_POLICY).toEqual({
      forbidPrivileged: true,
      bindMounts: 'forbid',
      allowedBindPrefixes: [],
      forbidHostPid: true,
      forbidHostIpc: true,
      forbidHostNetwork: true,
      forbidHostUts: true,
      forbidHostUserns: true,
      forbidHostCgroupns: true,
      forbidDevices: true,
      forbidAddedCapabilities: true,
      forbidSysctls: true,
    });
  });

  it('names a wrong field and refuses unknown ones', () => {
    const wrong = ZHostPolicy.safeParse({ bindMounts: 'sometimes', allowedBindPrefixes: ['srv'] });
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'allowedBindPrefixes.0',
      'bindMounts',
    ]);
    expect(ZHostPolicy.safeParse({ forbidPrivilegd: false }).success).toBe(false);
    expect(ZHostPolicy.safeParse({ allowedBindPrefixes: ['/srv/../etc'] }).success).toBe(false);
  });
});

describe('checkContainerCreate', () => {
  it('passes a plain container under the strictest policy', () => {
    expect(
      checkContainerCreate(strict, {
        Image: 'busybox',
        Cmd: ['sleep', '60'],
        HostConfig: {
          Binds: ['data:/data', 'cache:/cache:ro'],
          Mounts: [
            { Type: 'volume', Source: 'logs', Target: '/logs' },
            { Type: 'tmpfs', Target: '/tmp' },
          ],
          NetworkMode: 'bridge',
          PidMode: 'container:abc',
          Privileged: false,
          CapAdd: null,
          Devices: [],
          Sysctls: {},
        },
      }),
    ).toEqual([]);
    expect(checkContainerCreate(strict, { Image: 'busybox' })).toEqual([]);
    expect(checkContainerCreate(strict, null)).toEqual([]);
    expect(checkContainerCreate(strict, 'not an object')).toEqual([]);
  });

  it('names every violation by its path in the body', () => {
    expect(paths(strict, EVERYTHING)).toEqual([
      'HostConfig.Privileged',
      'HostConfig.Binds.0',
      'HostConfig.Mounts.0.Source',
      'HostConfig.PidMode',
      'HostConfig.IpcMode',
      'HostConfig.NetworkMode',
      'HostConfig.UTSMode',
      'HostConfig.UsernsMode',
      'HostConfig.CgroupnsMode',
      'HostConfig.Devices',
      'HostConfig.CapAdd',
      'HostConfig.Sysctls',
    ]);
  });

  it('allows everything a policy turns off, one switch at a time', () => {
    expect(paths(open, EVERYTHING)).toEqual([]);
    const only = (key: keyof THostPolicy, value: unknown) =>
      paths({ ...open, [key]: value }, EVERYTHING);
    expect(only('forbidPrivileged', true)).toEqual(['HostConfig.Privileged']);
    expect(only('bindMounts', 'forbid')).toEqual([
      'HostConfig.Binds.0',
      'HostConfig.Mounts.0.Source',
    ]);
    expect(only('forbidHostPid', true)).toEqual(['HostConfig.PidMode']);
    expect(only('forbidHostIpc', true)).toEqual(['HostConfig.IpcMode']);
    expect(only('forbidHostNetwork', true)).toEqual(['HostConfig.NetworkMode']);
    expect(only('forbidHostUts', true)).toEqual(['HostConfig.UTSMode']);
    expect(only('forbidHostUserns', true)).toEqual(['HostConfig.UsernsMode']);
    expect(only('forbidHostCgroupns', true)).toEqual(['HostConfig.CgroupnsMode']);
    expect(only('forbidDevices', true)).toEqual(['HostConfig.Devices']);
    expect(only('forbidAddedCapabilities', true)).toEqual(['HostConfig.CapAdd']);
    expect(only('forbidSysctls', true)).toEqual(['HostConfig.Sysctls']);
  });

  it('says what was refused in the message', () => {
    const [privileged, bind, , , , , uts, userns, cgroupns, , caps] = checkContainerCreate(strict, {
      HostConfig: EVERYTHING,
    });
    expect(privileged?.message).toMatch(/privileged/);
    expect(bind?.message).toContain('/etc');
    expect(uts?.message).toMatch(/UTS namespace/);
    expect(userns?.message).toMatch(/user namespace/);
    expect(cgroupns?.message).toMatch(/cgroup namespace/);
    expect(caps?.message).toContain('SYS_ADMIN');
  });

  describe('bind mounts from allowed prefixes', () => {
    const binds = (...specs: string[]) => paths(listed, { Binds: specs });

    it('allows paths under a prefix and the prefix itself', () => {
      expect(binds('/srv/data:/d', '/srv/data/app/logs:/l:ro', '/srv/data/./x:/x')).toEqual([]);
      expect(
        paths(listed, { Mounts: [{ Type: 'bind', Source: '/srv/data/a', Target: '/a' }] }),
      ).toEqual([]);
    });

    it('refuses look-alike siblings, parents, escapes with .. and relative paths', () => {
      expect(
        binds(
          '/srv/database:/d',
          '/srv:/s',
          '/srv/data/../../etc:/e',
          'srv/data:/r',
          './data:/r',
          '/:/root',
        ),
      ).toEqual([0, 1, 2, 3, 4, 5].map((i) => `HostConfig.Binds.${i}`));
    });

    it('treats named and anonymous volumes as not binds', () => {
      expect(binds('data:/data', '/only-a-container-path')).toEqual([]);
    });

    it('refuses everything when no prefix is listed, and allows everything under "/"', () => {
      expect(paths({ ...listed, allowedBindPrefixes: [] }, { Binds: ['/srv/data:/d'] })).toEqual([
        'HostConfig.Binds.0',
      ]);
      expect(paths({ ...listed, allowedBindPrefixes: ['/'] }, { Binds: ['/etc:/e'] })).toEqual([]);
    });

    it('refuses a bind mount without a source', () => {
      expect(paths(listed, { Mounts: [{ Type: 'bind', Target: '/a' }] })).toEqual([
        'HostConfig.Mounts.0.Source',
      ]);
    });
  });

  it('refuses local-driver volumes that bind a host path, and VolumesFrom', () => {
    const bindVolume = {
      Type: 'volume',
      Target: '/host',
      VolumeOptions: {
        DriverConfig: { Name: 'local', Options: { type: 'none', o: 'rbind,ro', device: '/' } },
      },
    };
    expect(paths(strict, { Mounts: [bindVolume], VolumesFrom: ['other'] })).toEqual([
      'HostConfig.Mounts.0.VolumeOptions.DriverConfig.Options',
      'HostConfig.VolumesFrom',
    ]);
    const nfs = {
      ...bindVolume,
      VolumeOptions: {
        DriverConfig: { Options: { type: 'nfs', o: 'addr=10.0.0.1', device: ':/x' } },
      },
    };
    expect(paths(strict, { Mounts: [nfs] })).toEqual([]);
    expect(
      paths({ ...strict, bindMounts: 'allow' }, { Mounts: [bindVolume], VolumesFrom: ['x'] }),
    ).toEqual([]);
  });

  it('reads field names as the engine does: case-insensitively', () => {
    expect(
      checkContainerCreate(strict, {
        hostconfig: {
          PRIVILEGED: true,
          binds: ['/etc:/e'],
          networkmode: 'HOST',
          capadd: ['sys_admin'],
        },
      }).map((i) => i.path),
    ).toEqual([
      'HostConfig.Privileged',
      'HostConfig.Binds.0',
      'HostConfig.NetworkMode',
      'HostConfig.CapAdd',
    ]);
    // Go folds the Kelvin sign to k and the long s to s.
    expect(paths(strict, { 'Sy\u017Fctls': { 'kernel.x': '1' } })).toEqual(['HostConfig.Sysctls']);
    expect(paths(strict, { Mounts: [{ type: 'BIND', source: '/etc', target: '/e' }] })).toEqual([
      'HostConfig.Mounts.0.Source',
    ]);
  });

  it('refuses a field spelled twice instead of guessing which one the engine keeps', () => {
    const twice = checkContainerCreate(strict, {
      HostConfig: { Privileged: false },
      hostConfig: { Memory: 1 },
    });
    expect(twice.map((i) => i.path)).toEqual(['HostConfig']);
    expect(twice[0]?.message).toMatch(/more than once/);
    expect(
      checkContainerCreate(strict, { HostConfig: { Privileged: true, privileged: false } }),
    ).toEqual([
      { path: 'HostConfig.Privileged', message: 'given more than once (Privileged, privileged)' },
    ]);
  });

  it('treats turning confinement off as privileged', () => {
    expect(
      paths(strict, {
        SecurityOpt: [
          'no-new-privileges',
          'seccomp=unconfined',
          'apparmor:unconfined',
          'label=disable',
          'systempaths=unconfined',
        ],
        MaskedPaths: [],
        ReadonlyPaths: [],
      }),
    ).toEqual([
      'HostConfig.SecurityOpt.1',
      'HostConfig.SecurityOpt.2',
      'HostConfig.SecurityOpt.3',
      'HostConfig.SecurityOpt.4',
      'HostConfig.MaskedPaths',
      'HostConfig.ReadonlyPaths',
    ]);
    expect(paths(strict, { SecurityOpt: ['no-new-privileges', 'seccomp=/profile.json'] })).toEqual(
      [],
    );
  });

  it('counts device cgroup rules and device requests as devices', () => {
    expect(
      paths(strict, {
        DeviceCgroupRules: ['c 1:3 mr'],
        DeviceRequests: [{ Driver: 'nvidia', Count: -1, Capabilities: [['gpu']] }],
      }),
    ).toEqual(['HostConfig.DeviceCgroupRules', 'HostConfig.DeviceRequests']);
  });

  it('lets through capabilities Docker grants anyway, and lists the others', () => {
    expect(paths(strict, { CapAdd: ['CHOWN', 'CAP_NET_BIND_SERVICE', 'kill'] })).toEqual([]);
    const [issue] = checkContainerCreate(strict, {
      HostConfig: { CapAdd: ['NET_RAW', 'ALL', 'CAP_SYS_PTRACE'] },
    });
    expect(issue).toEqual({
      path: 'HostConfig.CapAdd',
      message: 'adding capabilities is not allowed on this host (ALL, CAP_SYS_PTRACE)',
    });
  });

  it('ignores namespace modes other than host', () => {
    expect(
      paths(strict, {
        NetworkMode: 'container:web',
        IpcMode: 'shareable',
        PidMode: '',
        UTSMode: '',
        UsernsMode: 'private',
        CgroupnsMode: 'private',
      }),
    ).toEqual([]);
    expect(paths(strict, { NetworkMode: ' host ' })).toEqual(['HostConfig.NetworkMode']);
  });

  it('reads the UTS, user and cgroup namespace modes as the engine does', () => {
    expect(
      checkContainerCreate(strict, {
        hostconfig: { utsmode: 'host', USERNSMODE: 'HOST', cgroupnsmode: ' host ' },
      }).map((i) => i.path),
    ).toEqual(['HostConfig.UTSMode', 'HostConfig.UsernsMode', 'HostConfig.CgroupnsMode']);
    expect(
      checkContainerCreate(strict, { HostConfig: { UsernsMode: '', usernsMode: 'host' } }),
    ).toEqual([
      { path: 'HostConfig.UsernsMode', message: 'given more than once (UsernsMode, usernsMode)' },
      {
        path: 'HostConfig.UsernsMode',
        message: "the host's user namespace is not allowed on this host",
      },
    ]);
  });
});

describe('checkVolumeCreate', () => {
  it('treats a local volume with o=bind as a bind mount of its device', () => {
    const body = {
      Name: 'v',
      Driver: 'local',
      DriverOpts: { type: 'none', o: 'bind', device: '/etc' },
    };
    expect(checkVolumeCreate(strict, body)).toEqual([
      {
        path: 'DriverOpts.device',
        message: 'bind mounts of host paths are not allowed on this host (/etc)',
      },
    ]);
    expect(checkVolumeCreate(listed, body).map((i) => i.path)).toEqual(['DriverOpts.device']);
    expect(
      checkVolumeCreate(listed, { ...body, DriverOpts: { o: 'bind', device: '/srv/data/v' } }),
    ).toEqual([]);
    expect(checkVolumeCreate({ ...strict, bindMounts: 'allow' }, body)).toEqual([]);
  });

  it('passes ordinary volumes', () => {
    expect(checkVolumeCreate(strict, { Name: 'v' })).toEqual([]);
    expect(
      checkVolumeCreate(strict, { DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=100m' } }),
    ).toEqual([]);
  });
});

describe('checkExecCreate', () => {
  const exec = { AttachStdout: true, Cmd: ['sh'], Tty: true };

  it('passes an ordinary exec under the strictest policy', () => {
    expect(checkExecCreate(strict, exec)).toEqual([]);
    expect(checkExecCreate(strict, { ...exec, Privileged: false })).toEqual([]);
    expect(checkExecCreate(strict, { ...exec, Privileged: null })).toEqual([]);
    expect(checkExecCreate(strict, null)).toEqual([]);
    expect(checkExecCreate(strict, ['Privileged'])).toEqual([]);
  });

  it('refuses a privileged exec unless the policy allows privileged containers', () => {
    expect(checkExecCreate(strict, { ...exec, Privileged: true })).toEqual([
      { path: 'Privileged', message: 'privileged exec is not allowed on this host' },
    ]);
    expect(checkExecCreate(open, { ...exec, Privileged: true })).toEqual([]);
    expect(checkExecCreate({ ...open, forbidPrivileged: true }, { Privileged: true })).toHaveLength(
      1,
    );
  });

  it('reads the field as the engine does, and refuses it spelled twice', () => {
    for (const name of ['privileged', 'PRIVILEGED', 'pRiViLeGeD']) {
      expect(checkExecCreate(strict, { [name]: true }).map((i) => i.path)).toEqual(['Privileged']);
    }
    expect(checkExecCreate(strict, { Privileged: false, privileged: true })).toEqual([
      { path: 'Privileged', message: 'given more than once (Privileged, privileged)' },
      { path: 'Privileged', message: 'privileged exec is not allowed on this host' },
    ]);
    expect(checkExecCreate(open, { Privileged: true, privileged: false })).toEqual([
      { path: 'Privileged', message: 'given more than once (Privileged, privileged)' },
    ]);
  });

  it('leaves the user alone: the policy has no rule about root', () => {
    for (const User of ['0', 'root', '0:0', 'root:root', '']) {
      expect(checkExecCreate(strict, { ...exec, User })).toEqual([]);
    }
  });
});

describe('checkContainerCreateWithShares', () => {
  const containers: Record<string, { HostConfig: Record<string, unknown> }> = {
    plain: { HostConfig: { PidMode: '', NetworkMode: 'bridge', IpcMode: 'private' } },
    hostpid: { HostConfig: { PidMode: 'host', NetworkMode: 'host' } },
    privileged: { HostConfig: { Privileged: true } },
    // Shares the process namespace of `hostpid`, which is the host's.
    relay: { HostConfig: { PidMode: 'container:hostpid' } },
    loop: { HostConfig: { PidMode: 'container:loop' } },
  };
  const lookup: ContainerLookup = (ref) => Promise.resolve(containers[ref] ?? null);
  const shares = (policy: THostPolicy, hostConfig: Record<string, unknown>) =>
    checkContainerCreateWithShares(policy, { HostConfig: hostConfig }, lookup).then((issues) =>
      issues.map((issue) => issue.path),
    );

  it("refuses sharing a container's host namespace, as asking for it directly is refused", async () => {
    await expect(shares(strict, { PidMode: 'container:hostpid' })).resolves.toEqual([
      'HostConfig.PidMode',
    ]);
    await expect(shares(strict, { NetworkMode: 'Container:hostpid' })).resolves.toEqual([
      'HostConfig.NetworkMode',
    ]);
    await expect(shares(strict, { pidmode: 'container:relay' })).resolves.toEqual([
      'HostConfig.PidMode',
    ]);
  });

  it("refuses sharing a privileged container's namespaces", async () => {
    await expect(shares(strict, { IpcMode: 'container:privileged' })).resolves.toEqual([
      'HostConfig.IpcMode',
    ]);
  });

  it('lets through a plain container, one the engine does not know, and what the policy allows', async () => {
    await expect(
      shares(strict, { PidMode: 'container:plain', NetworkMode: 'container:plain' }),
    ).resolves.toEqual([]);
    await expect(shares(strict, { PidMode: 'container:nothing' })).resolves.toEqual([]);
    await expect(shares(open, { PidMode: 'container:relay' })).resolves.toEqual([]);
  });

  it('stops following a chain of shares that loops', async () => {
    await expect(shares(strict, { PidMode: 'container:loop' })).resolves.toEqual([
      'HostConfig.PidMode',
    ]);
  });

  it('reports the direct issues first and looks nothing up for them', async () => {
    const none: ContainerLookup = () => Promise.reject(new Error('not asked'));
    const issues = await checkContainerCreateWithShares(
      strict,
      { HostConfig: { Privileged: true, PidMode: 'container:hostpid' } },
      none,
    );
    expect(issues.map((issue) => issue.path)).toEqual(['HostConfig.Privileged']);
  });
});
