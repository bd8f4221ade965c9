import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import nextModule from 'next';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Raised when the dashboard has not been built; main prints it as one line. */
export class DashboardNotBuilt extends Error {}

/**
 * The Next.js dashboard, served in this process so that pages, `/api` and `/socket.io` share one
 * origin (one cookie, no CORS). Needs `next build` in apps/web first.
 */
export async function loadDashboard(
  dir: string,
): Promise<{ handle: RequestHandler; close: () => Promise<void> }> {
  if (!existsSync(join(dir, '.next', 'BUILD_ID'))) {
    throw new DashboardNotBuilt(
      `the dashboard in ${dir} is not built: run \`npm run build\` (or set BERTH_WEB=off)`,
    );
  }
  // `next` is CommonJS whose types describe an ES default export; at run time the import is the function.
  const createNext = nextModule as unknown as typeof nextModule.default;
  const app = createNext({ dev: false, dir, quiet: true });
  await app.prepare();
  const handler = app.getRequestHandler();
  return {
    handle: (req, res) => handler(req, res),
    close: () => app.close(),
  };
}
