import { describe, expect, it } from '@jest/globals';
import { loadSwarmProject } from './swarm-project.js';

const load = (
  content: string,
  extra: { files?: Record<string, string>; env?: Record<string, string> } = {},
) =>
  loadSwarmProject({
    projectName: 'shop',
    files: [{ name: 'compose.yaml', content }],
    workingDir: '/stacks/shop',
    environment: extra.env ?? {},
    readFile: (path) => extra.files?.[path],
    projectFiles: 'none',
  });

describe('loadSwarmProject', () => {
  it('reads deploy keys, secrets from files and the environment, configs inline', () => {
    const result = load(
      `services:
  web:
    image: local/busybox:latest
    command: sleep 600
    deploy:
      mode: replicated
      replicas: 2
      labels: [tier=front]
      placement:
        constraints: [node.role == manager]
        preferences: [{ spread: node.labels.zone }]
      restart_policy: { condition: on-failure, delay: 5s, max_attempts: 3 }
      update_config: { parallelism: 1, delay: 2s, order: start-first }
      rollback_config: { parallelism: 2, failure_action: pause }
    secrets: [db_password, api]
    configs: [{ source: motd, target: /etc/motd }]
secrets:
  db_password: { file: ./db.txt }
  api: { environment: API_KEY }
configs:
  motd: { content: hello }
`,
      { files: { '/stacks/shop/db.txt': 's3cret' }, env: { API_KEY: 'k-123' } },
    );
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const { deploy, secrets, configs, project } = result.swarm;
    expect(deploy.web).toEqual({
      mode: 'replicated',
      replicas: 2,
      labels: { tier: 'front' },
      constraints: ['node.role == manager'],
      spread: ['node.labels.zone'],
      restartPolicy: { condition: 'on-failure', delayNs: 5e9, maxAttempts: 3 },
      updateConfig: { parallelism: 1, delayNs: 2e9, order: 'start-first' },
      rollbackConfig: { parallelism: 2, failureAction: 'pause' },
    });
    expect(secrets.db_password).toEqual({
      name: 'shop_db_password',
      external: false,
      labels: {},
      content: 's3cret',
    });
    expect(secrets.api?.content).toBe('k-123');
    expect(configs.motd?.content).toBe('hello');
    expect(project.services.web?.secrets.map((s) => s.target)).toEqual([
      '/run/secrets/db_password',
      '/run/secrets/api',
    ]);
  });

  it('refuses keys a swarm ignores, at their line', () => {
    const result = load(`services:
  web:
    image: local/busybox:latest
    restart: always
    depends_on: [db]
    deploy:
      mode: global
      replicas: 2
  db:
    image: local/busybox:latest
    networks:
      back: { ipv4_address: 10.9.0.5 }
networks:
  back: { driver: bridge }
secrets:
  missing: { file: ./none.txt }
`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map(({ path, line, message }) => ({ path, line, message }))).toEqual([
      {
        path: 'services.web.restart',
        line: 4,
        message: 'restart is not supported in a swarm stack',
      },
      {
        path: 'services.web.depends_on',
        line: 5,
        message: 'depends_on is not supported in a swarm stack',
      },
    ]);
  });

  it('refuses published port ranges and host addresses, which a swarm cannot publish', () => {
    const result = load(`services:
  web:
    image: local/busybox:latest
    ports:
      - "8080-8081:80"
      - "127.0.0.1:9090:90"
      - { target: 70, published: "7070-7071" }
      - "6060-6061:60-61"
`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map(({ path, line }) => ({ path, line }))).toEqual([
      { path: 'services.web.ports.0', line: 5 },
      { path: 'services.web.ports.1', line: 6 },
      { path: 'services.web.ports.2.published', line: 7 },
    ]);
    expect(result.issues[0]?.message).toContain('range of published ports');
    expect(result.issues[1]?.message).toContain('host address');
  });

  it('checks what the schema cannot: global replicas, static addresses, drivers, missing files', () => {
    const result = load(`services:
  web:
    image: local/busybox:latest
    deploy:
      mode: global
      replicas: 2
    networks:
      back: { ipv4_address: 10.9.0.5 }
networks:
  back: { driver: bridge }
secrets:
  missing: { file: ./none.txt }
`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map(({ path, line }) => ({ path, line }))).toEqual([
      { path: 'services.web.deploy.replicas', line: 6 },
      { path: 'services.web.networks.back.ipv4_address', line: 8 },
      { path: 'networks.back.driver', line: 10 },
      { path: 'secrets.missing.file', line: 12 },
    ]);
  });
});
