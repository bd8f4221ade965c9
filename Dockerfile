# Berth's image: the built server and dashboard on port 3000, run by the unprivileged user `node`.
#
#   docker build -t berth .
#       builds from source in the `build` stage (npm install from the registry, npm run build);
#   docker build --build-arg APP_FROM=prebuilt -t berth DIR
#       packs what `node scripts/runtime-files.mjs DIR` copied out of a tree already built with
#       `npm run build` on a machine of the same platform; nothing is downloaded.
#
# NODE_IMAGE is the Node 20 image both stages start from; RUNTIME_BASE replaces the runtime's
# base (Node and git) with an image of your own, e.g. one made without a registry.
ARG NODE_IMAGE=node:20-bookworm-slim
ARG APP_FROM=build
ARG RUNTIME_BASE=runtime-base

FROM ${NODE_IMAGE} AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
ENV NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
# The manifests first, so that a source change does not install the packages again.
COPY package.json package-lock.json ./
COPY apps/server/package.json apps/server/
COPY apps/web/package.json apps/web/
COPY packages/shared/package.json packages/shared/
COPY packages/compose/package.json packages/compose/
# Install scripts as package.json "allowScripts" has them: only better-sqlite3 builds.
RUN npm install --no-audit --no-fund --ignore-scripts && npm rebuild better-sqlite3
COPY . .
# /out holds only what runs: no sources, no dev dependencies, no build cache.
RUN npm run build && node scripts/runtime-files.mjs /out

FROM scratch AS prebuilt
COPY . /out/

FROM ${APP_FROM} AS app

FROM ${NODE_IMAGE} AS runtime-base
# git fetches the repositories of image builds and stacks from git (apps/server/src/git).
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates \
    && rm -rf /var/lib/apt/lists/*

FROM ${RUNTIME_BASE} AS runtime
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 BERTH_DATA_DIR=/data
# Memory, as scripts/start.sh sets it (the reasons are there; bench/memory measures with these):
# two malloc arenas, a 4 MB young generation and a 1 GB old one. NODE_OPTIONS replaces the latter two.
ENV MALLOC_ARENA_MAX=2 NODE_OPTIONS="--max-semi-space-size=4 --max-old-space-size=1024"
WORKDIR /app
# The application stays root's and read-only to the server; it writes only /data and Next's cache.
COPY --from=app /out/ /app/
RUN mkdir -p /data /app/apps/web/.next/cache \
    && chown node:node /data /app/apps/web/.next/cache
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "apps/server/dist/main.js"]
