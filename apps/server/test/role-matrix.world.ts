import { randomBytes } from 'node:crypto';
import {
  BERTH_LABELS,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type THost,
  type TStack,
  type TStackDeployResponse,
} from '@berth/shared';
import Docker from 'dockerode';
import { io, type Socket } from 'socket.io-client';
import { ContainerInventory } from '../src/inventory/container-inventory.js';
import { type TestBerth, waitFor } from './support/berth.js';
import { createUser, signIn, tokenFor, USER_PASSWORD } from './support/identity.js';
import { fleet } from './support/fleet.js';

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A user of the matrix: one per built-in role, each granted that role on host a. */
export interface Account {
  role: string;
  id: string;
  token: string;
}

/** `mine`: the standard user's (or their team's); `theirs`: a stranger's. */
export type Whose = 'mine' | 'theirs';

/**
 * What a probe acts on. `idle` (created, never started) and `running` containers, `network`,
 * `volume` and `stack` are shared by every cell; `fresh*` are made for the one call that changes
 * them.
 */
export type TargetKind = 'idle' | 'running' | 'network' | 'volume' | 'stack' | FreshKind;
type FreshKind = 'fresh' | 'fresh-network' | 'fresh-volume' | 'fresh-stack';

export interface Target {
  id: string;
  name: string;
}

type Listed = 'container' | 'network' | 'volume' | 'stack';

/**
 * Host a of the fleet as the matrix sees it: a user per role, the standard user's teammate and a
 * stranger (both standard users too), and containers, networks and volumes owned by the standard
 * user, the teammate and the stranger, labelled as Berth labels them; stacks deployed through
 * Berth by each of them. Everything made carries `test.run=<run>` and is removed at the end.
 */
export class MatrixWorld {
  readonly run = randomBytes(4).toString('hex');
  readonly engine: Docker;
  readonly image = fleet().image;
  readonly accounts = new Map<string, Account>();
  /** The standard user's teammate and a stranger: owners of `mine`-team and `theirs` things. */
  private readonly owners = new Map<'mate' | 'stranger', Account>();
  /** The team of the standard user and their teammate. */
  teamId = '';
  private made = 0;
  private readonly shared = new Map<string, Target>();
  /** Every stack made in this run, deleted at the end unless a probe did. */
  private readonly stacks: string[] = [];
  private readonly sockets: Client[] = [];
  private readonly socketOf = new Map<string, Promise<Client>>();
  private pushed: Promise<string> | undefined;

  private constructor(
    readonly berth: TestBerth,
    readonly adminToken: string,
    readonly host: THost,
  ) {
    this.engine = new Docker({ socketPath: fleet().a.replace(/^unix:\/\//, '') });
  }

  static async create(berth: TestBerth, roles: readonly string[]): Promise<MatrixWorld> {
    const admin = await berth.adminToken();
    const host = await berth.addHost(admin, { name: 'a', url: fleet().a });
    const world = new MatrixWorld(berth, admin, host);
    for (const role of roles) world.accounts.set(role, await world.account(role));
    world.owners.set('mate', await world.account('standard', 'mate'));
    world.owners.set('stranger', await world.account('standard', 'stranger'));
    await world.makeTeam();
    await world.makeShared();
    return world;
  }

  get hostId(): string {
    return this.host.id;
  }

  get standard(): Account {
    return this.accounts.get('standard')!;
  }

  /** A unique name for something made in this run. */
  name(what: string): string {
    this.made += 1;
    return `matrix-${this.run}-${what}-${this.made}`;
  }

  /** The labels Berth puts on what each owner makes. */
  labels(whose: Whose | 'team'): Record<string, string> {
    const run = { 'test.run': this.run };
    if (whose === 'theirs') {
      return { ...run, [BERTH_LABELS.owner]: this.owners.get('stranger')!.id };
    }
    const owner = whose === 'mine' ? this.standard.id : this.owners.get('mate')!.id;
    return { ...run, [BERTH_LABELS.owner]: owner, [BERTH_LABELS.team]: this.teamId };
  }

  async target(kind: TargetKind, whose: Whose): Promise<Target> {
    switch (kind) {
      case 'fresh':
      case 'fresh-network':
      case 'fresh-volume':
      case 'fresh-stack':
        return this.make(kind, whose);
      case 'idle':
      case 'running':
      case 'network':
      case 'volume':
      case 'stack':
        return this.shared.get(`${kind}/${whose}`)!;
    }
  }

  /** The shared objects a list must show (`mine`: the standard user's and their team's) or not. */
  listed(kind: Listed): { mine: string[]; theirs: string[] } {
    const key = kind === 'container' ? 'idle' : kind;
    const id = (whose: string) => this.shared.get(`${key}/${whose}`)!.id;
    return { mine: [id('mine'), id('team')], theirs: [id('theirs')] };
  }

  /** One socket.io connection per account, made on first use. */
  socket(account: Account): Promise<Client> {
    const known = this.socketOf.get(account.id);
    if (known) return known;
    const client: Client = io(this.berth.url, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: { authorization: `Bearer ${account.token}` },
    });
    this.sockets.push(client);
    const connected = new Promise<Client>((resolve, reject) => {
      client.once('connect', () => resolve(client));
      client.once('connect_error', reject);
    });
    this.socketOf.set(account.id, connected);
    return connected;
  }

  /** A container made straight on the engine, owned as `whose` says. */
  async container(whose: Whose | 'team', options: { running?: boolean } = {}): Promise<Target> {
    const name = this.name(whose);
    const made = await this.engine.createContainer({
      name,
      Image: this.image,
      Cmd: ['sleep', '600'],
      Labels: this.labels(whose),
    });
    if (options.running) await made.start();
    return { id: made.id, name };
  }

  /**
   * A compose file of one idle container with no network of its own (the engine's address pools
   * are shared and small), stopped at once (`sleep` ignores SIGTERM), labelled with the run.
   */
  composeFile(): string {
    return [
      'services:',
      '  app:',
      `    image: ${this.image}`,
      '    command: [sleep, "600"]',
      '    network_mode: none',
      '    stop_signal: SIGKILL',
      `    labels: { test.run: "${this.run}" }`,
      '',
    ].join('\n');
  }

  /** A stack deployed through Berth by its owner (`team`: the teammate), once deployed. */
  async stack(whose: Whose | 'team'): Promise<Target> {
    const owner =
      whose === 'mine' ? this.standard : this.owners.get(whose === 'team' ? 'mate' : 'stranger')!;
    const name = this.name(`stack-${whose}`);
    const made = await this.berth.api<TStackDeployResponse>(
      'POST',
      `/api/hosts/${this.hostId}/stacks`,
      { token: owner.token, body: { name, compose: this.composeFile() } },
    );
    if (made.status !== 201) throw new Error(`stack ${name}: ${made.status}`);
    await this.deployed(made.body.id);
    return { id: made.body.id, name };
  }

  /** Notes a stack made through Berth for cleanup, and waits until its deployment ended. */
  async deployed(id: string): Promise<void> {
    this.stacks.push(id);
    await waitFor(
      async () => {
        const stack = await this.berth.api<TStack>('GET', `/api/stacks/${id}`, {
          token: this.adminToken,
        });
        return stack.status === 200 && stack.body.status !== 'deploying';
      },
      60_000,
      `stack ${id} deployed`,
    );
  }

  /** Takes a stack made in this run down and forgets it, unless that happened already. */
  async removeStack(id: string): Promise<void> {
    const removed = await this.berth.api('DELETE', `/api/stacks/${id}`, {
      token: this.adminToken,
    });
    if (removed.status !== 204 && removed.status !== 404) {
      throw new Error(`stack ${id} not removed: ${removed.status}`);
    }
  }

  /** Waits until the inventory knows a container (REST lists answer from it). */
  async known(id: string): Promise<void> {
    const inventory = this.berth.server.app.get(ContainerInventory);
    await waitFor(
      () => Promise.resolve(inventory.find(this.hostId, id) !== null),
      10_000,
      `container ${id} in the inventory`,
    );
  }

  /**
   * An image in the fleet's password registry, and that registry stored in Berth with every
   * account of the run allowed to use it: a pull of it succeeds only with the stored login.
   */
  privateImage(): Promise<string> {
    this.pushed ??= this.pushPrivateImage();
    return this.pushed;
  }

  private async pushPrivateImage(): Promise<string> {
    const { address, username, password } = fleet().registry;
    const repo = `${address}/matrix-${this.run}`;
    const token = this.adminToken;
    const stored = await this.berth.api<{ id: string }>('POST', '/api/registries', {
      token,
      body: { name: `matrix-${this.run}`, kind: 'v2', serverAddress: address, username, password },
    });
    const users = [...this.accounts.values(), ...this.owners.values()].map((a) => a.id);
    await this.berth.api('PUT', `/api/registries/${stored.body.id}/access`, {
      token,
      body: { users, teams: [] },
    });
    await this.engine.getImage(this.image).tag({ repo, tag: '1' });
    const pushing = await this.engine
      .getImage(`${repo}:1`)
      .push({ authconfig: { username, password, serveraddress: address } });
    await new Promise((resolve, reject) =>
      this.engine.modem.followProgress(pushing, (error) => (error ? reject(error) : resolve(null))),
    );
    await this.engine.getImage(`${repo}:1`).remove();
    return `${repo}:1`;
  }

  async cleanup(): Promise<void> {
    this.sockets.forEach((client) => client.disconnect());
    await Promise.all(this.stacks.map((id) => this.removeStack(id)));
    const filters = { label: [`test.run=${this.run}`] };
    const containers = await this.engine.listContainers({ all: true, filters });
    await Promise.all(
      containers.map((c) => this.engine.getContainer(c.Id).remove({ force: true, v: true })),
    );
    const networks = await this.engine.listNetworks({ filters });
    await Promise.all(networks.map((n) => this.engine.getNetwork(n.Id).remove()));
    const { Volumes: volumes } = await this.engine.listVolumes({ filters });
    await Promise.all((volumes ?? []).map((v) => this.engine.getVolume(v.Name).remove()));
  }

  private async make(kind: FreshKind, whose: Whose): Promise<Target> {
    switch (kind) {
      case 'fresh':
        return this.container(whose);
      case 'fresh-network': {
        const name = this.name(`net-${whose}`);
        const network = await this.engine.createNetwork({ Name: name, Labels: this.labels(whose) });
        return { id: network.id, name };
      }
      case 'fresh-volume': {
        const name = this.name(`vol-${whose}`);
        await this.engine.createVolume({ Name: name, Labels: this.labels(whose) });
        return { id: name, name };
      }
      case 'fresh-stack':
        return this.stack(whose);
    }
  }

  private async makeShared(): Promise<void> {
    const containers: Target[] = [];
    for (const whose of ['mine', 'team', 'theirs'] as const) {
      this.shared.set(`stack/${whose}`, await this.stack(whose));
      containers.push(await this.container(whose));
      this.shared.set(`idle/${whose}`, containers.at(-1)!);
      const network = this.name(`net-${whose}`);
      const made = await this.engine.createNetwork({ Name: network, Labels: this.labels(whose) });
      this.shared.set(`network/${whose}`, { id: made.id, name: network });
      const volume = this.name(`vol-${whose}`);
      await this.engine.createVolume({ Name: volume, Labels: this.labels(whose) });
      this.shared.set(`volume/${whose}`, { id: volume, name: volume });
    }
    for (const whose of ['mine', 'theirs'] as const) {
      containers.push(await this.container(whose, { running: true }));
      this.shared.set(`running/${whose}`, containers.at(-1)!);
    }
    for (const container of containers) await this.known(container.id);
  }

  private async account(role: string, who = role): Promise<Account> {
    const username = `${who}-${this.run}`;
    const user = await createUser(this.berth, this.adminToken, username);
    const grant = await this.berth.api('POST', '/api/grants', {
      token: this.adminToken,
      body: { userId: user.id, hostId: this.hostId, role },
    });
    if (grant.status !== 201) throw new Error(`grant ${role}: ${grant.status}`);
    const { session } = await signIn(this.berth, username, USER_PASSWORD);
    return { role, id: user.id, token: await tokenFor(this.berth, session!) };
  }

  private async makeTeam(): Promise<void> {
    const team = await this.berth.api<{ id: string }>('POST', '/api/teams', {
      token: this.adminToken,
      body: { name: `matrix-${this.run}` },
    });
    this.teamId = team.body.id;
    for (const member of [this.standard, this.owners.get('mate')!]) {
      const added = await this.berth.api('POST', `/api/teams/${this.teamId}/members`, {
        token: this.adminToken,
        body: { userId: member.id },
      });
      if (added.status >= 300) throw new Error(`team member: ${added.status}`);
    }
  }
}
