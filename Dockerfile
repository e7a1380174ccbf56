# 监理注销助手 — the production image (README → Deployment).
#   docker build -t jianli .
#   docker run -p 3978:3978 -v jianli-data:/data jianli
# test/ops/container.test.ts runs this file's steps outside Docker (Docker is not available on the
# development machines): it copies what each COPY copies, runs each RUN of the build stage, assembles
# the runtime stage, starts its CMD and runs its HEALTHCHECK. Keep to the instructions it knows:
# FROM, ARG, WORKDIR, ENV, COPY (--from, --chown), RUN (build stage only), USER, EXPOSE, VOLUME,
# HEALTHCHECK, STOPSIGNAL, CMD.

# Node.js LTS; the project runs on Node 20 or later.
ARG NODE_VERSION=24

# --- build: install everything, compile src/ to dist/, then drop the dev dependencies -------------
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
ENV npm_config_yes=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
RUN npm run build
RUN npm prune --omit=dev
# The data folder, so the runtime stage can hand it to the unprivileged user.
RUN mkdir -p data

# --- runtime: compiled JavaScript, production dependencies and the knowledge; no TypeScript, no tsx -
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3978 JIANLI_DATA=/data
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY knowledge ./knowledge
COPY dialogs ./dialogs
COPY --from=build --chown=node:node /app/data /data
# The official image's unprivileged user (uid 1000); it owns only /data.
USER node
EXPOSE 3978
VOLUME ["/data"]
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3978) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# jianli serve answers the requests under way on SIGTERM (JIANLI_SHUTDOWN_SECONDS, default 10), then exits 0.
STOPSIGNAL SIGTERM
CMD ["node", "bin/jianli.js", "serve"]
