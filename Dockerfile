# syntax=docker/dockerfile:1
# Sésame: build with `docker build -t sesame .`, run with
#   docker run -p 3000:3000 -e DATABASE_URL=... -e SECRET_KEY=... -e SMTP_URL=... sesame
# and migrate as a one-off with `docker run --rm -e DATABASE_URL=... sesame npm run migrate`.
# CI replays this file without a Docker engine (scripts/check-image.ts): keep the build steps in the
# build stages, and only image setup (users, permissions) in the last one.

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
COPY migrations ./migrations
RUN npm run build

FROM node:24-slim AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/app/data
WORKDIR /app
COPY --from=production-dependencies /app/node_modules ./node_modules
# dist/ is the compiled service and scripts, the migrations, and a package.json whose scripts
# (start, migrate, worker, mail:test, admin:create, directory:import) run the compiled files.
COPY --from=build /app/dist ./
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "src/server.js"]
