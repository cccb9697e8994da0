# syntax=docker/dockerfile:1
#
# Darkroom's container image (docs/operations.md, "Containers").
#   docker build -t darkroom .                    the server: HTTP + a worker loop (npm start)
#   docker build -t darkroom-worker --target worker .   a replica that only develops photos
# The build stage runs the README's steps (npm ci, npm run build); the runtime stages hold
# production dependencies only and run as the unprivileged `node` user.

ARG NODE_IMAGE=node:24-bookworm-slim

# Production dependencies only, resolved from the lockfile.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# The README's install and build steps, with every dependency the build needs.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
# What the runtime does not need: Next's build cache, tests and their support files.
# (npm run build also compiled the entries to dist/server/, which the runtime runs.)
RUN rm -rf .next/cache server/testing hono/testing \
  && find server hono \( -name '*.test.ts' -o -name '*.harness.ts' -o -name 'test-support.ts' \) -delete

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
# MALLOC_ARENA_MAX=2: glibc's per-thread arenas held ~300 MB more at the peak of two develops;
# MALLOC_MMAP_THRESHOLD_=1048576: image buffers of 1 MiB and more go back to the system when freed.
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=1048576 \
    DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=3000
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json next.config.ts tsconfig.json ./
COPY --from=build /app/drizzle ./drizzle
COPY --from=build /app/server ./server
COPY --from=build /app/hono ./hono
COPY --from=build /app/dist ./dist
# Next may write its caches next to the build; the sources above stay read-only to the app user.
COPY --from=build --chown=node:node /app/.next ./.next
# One DATA_DIR per container: worker identity, upload temp files (and, on one box, the
# embedded database and photos). Created 0700 for the app user so a new volume inherits it.
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
VOLUME ["/data"]
USER node
STOPSIGNAL SIGTERM

# A replica that develops photos without HTTP (npm run worker); its liveness is its
# heartbeat in the worker fleet (/admin/fleet), so there is no HTTP health check.
FROM runtime AS worker
HEALTHCHECK NONE
# node itself is PID 1 and receives SIGTERM (finishes or hands back its jobs, then exits).
# --no-opt --no-maglev: V8 without its optimising compilers; a worker's time is libvips', and
# its JavaScript is glue (docs/operations.md, Memory).
CMD ["node", "--max-semi-space-size=4", "--no-opt", "--no-maglev", "dist/server/worker.js"]

# The default target: the production server of `npm start`.
FROM runtime AS server
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/v1/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# What `npm start` runs, without npm in between: node itself is PID 1 and handles SIGTERM
# (stops accepting, finishes requests and jobs, exits 0).
CMD ["node", "--max-semi-space-size=4", "dist/server/main.js"]
