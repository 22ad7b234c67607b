# Build: all dependencies (the postinstall generates the Prisma client, applies patches/ and bundles the
# playground into build/playground/), then tsc into dist/.
FROM node:26-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY patches ./patches
COPY scripts/build-playground.mjs ./scripts/
COPY src/playground/browser ./src/playground/browser
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime: production dependencies only; the compiled Prisma client comes with dist/, so prisma generate is not needed.
FROM node:26-bookworm-slim AS runtime
ENV NODE_ENV=production
# Memory sized for the service (README, Performance): a 4 MB young generation instead of V8's default of
# up to 16 MB per semi-space, an old generation bounded well above the caches' bounds, two malloc arenas
# (glibc's, should jemalloc below not load).
# deploy/k8s/deployment.yaml sets the same; override either variable to change them.
ENV NODE_OPTIONS="--max-old-space-size=512 --max-semi-space-size=4"
ENV MALLOC_ARENA_MAX=2
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && npx --no-install patch-package \
  && npm cache clean --force
COPY prisma/migrations ./prisma/migrations
COPY --from=build /app/dist ./dist
# jemalloc instead of glibc's malloc: it hands back to the system what V8's compilers free after startup
# (glibc's arenas keep it, fragmented), about 15 MB resident; the link gives one path on amd64 and arm64.
RUN apt-get update \
  && apt-get install -y --no-install-recommends libjemalloc2 \
  && ln -s "/usr/lib/$(uname -m)-linux-gnu/libjemalloc.so.2" /usr/local/lib/libjemalloc.so.2 \
  && rm -rf /var/lib/apt/lists/*
ENV LD_PRELOAD=/usr/local/lib/libjemalloc.so.2
ENV MALLOC_CONF=background_thread:true,max_background_threads:1,dirty_decay_ms:1000,muzzy_decay_ms:0
# Served only when GRAPHQL_PLAYGROUND=true: production leaves the playground off by default.
COPY --from=build /app/build/playground ./build/playground
# Writable only for the embedded database (no DATABASE_URL) in a plain `docker run`; Kubernetes mounts nothing here.
RUN mkdir .data && chown node:node .data
USER node
EXPOSE 4001 9464
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4001) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The migration is its own command: docker run --rm --env-file prod.env IMAGE node dist/platform/db/migrate.cli.js
CMD ["node", "dist/main.js"]
