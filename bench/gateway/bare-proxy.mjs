// The floor of a Node hop: `http.createServer` passing gateway-shaped URLs to the engine's unix
// socket with the gateway's agent settings, no framework, no auth. The gateway bench's one-client
// cells and cpu-per-request.mjs --bare measure it beside Berth (`bare-side.mjs` starts it).
// Usage: node bare-proxy.mjs SOCKET (prints the port it listens on).
import http from 'node:http';

const socketPath = process.argv[2];
const agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 32 });
const server = http.createServer((req, res) => {
  const path = req.url.replace(/^\/api\/hosts\/[^/]+\/docker/, '');
  const upstream = http.request(
    { socketPath, path, method: req.method, headers: { host: 'docker' }, agent },
    (engineRes) => {
      res.writeHead(engineRes.statusCode, engineRes.rawHeaders);
      engineRes.pipe(res);
    },
  );
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
