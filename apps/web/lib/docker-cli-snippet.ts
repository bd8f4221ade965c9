/**
 * What a user pastes to point the docker CLI at one host through Berth's gateway: DOCKER_HOST with
 * the gateway's path, and a config.json whose HttpHeaders carry the API token (README: the docker
 * CLI sends them on every call).
 */
export function dockerCliSnippet(origin: URL, hostId: string, token: string): string {
  const https = origin.protocol === 'https:';
  const port = origin.port || (https ? '443' : '80');
  const config = JSON.stringify({ HttpHeaders: { Authorization: `Bearer ${token}` } });
  return [
    `export DOCKER_HOST=tcp://${origin.hostname}:${port}/api/hosts/${encodeURIComponent(hostId)}/docker`,
    ...(https ? ['export DOCKER_TLS=1'] : []),
    'export DOCKER_CONFIG="$HOME/.berth-docker"',
    'mkdir -p "$DOCKER_CONFIG"',
    `echo '${config}' > "$DOCKER_CONFIG/config.json"`,
    'docker ps',
  ].join('\n');
}
