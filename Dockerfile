# syntax=docker/dockerfile:1
#
# lead-etl's container image. Build it at the repository root:
#
#   docker build -t lead-etl:0.1.0 .
#   docker run --rm lead-etl:0.1.0 --help
#
# It runs `lead-etl daemon` by default as an unprivileged user; the config and its secrets come from
# files mounted at run time (deploy/compose.yaml, docs/deployment.md). Nothing secret is baked in.

ARG NODE_IMAGE=node:22-bookworm-slim

# --- build: compile, pack as npm would, keep the production dependencies of the lock file ---------
FROM ${NODE_IMAGE} AS build
WORKDIR /src

# Dependencies first, so that a change to the sources does not install them again. --ignore-scripts:
# the package's own `prepare` (a build) needs sources not copied yet, and ssh2's optional native add-on
# needs a compiler the slim image does not have (ssh2 then uses Node's own crypto).
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts

# The sources (.dockerignore keeps out node_modules, dist, tests, local state and secrets).
COPY . .

# The image holds exactly what the npm package holds (package.json "files"): build, pack, unpack into
# /opt/lead-etl, then add node_modules without the dev dependencies.
RUN npm run build \
 && npm pack --ignore-scripts --pack-destination /tmp \
 && mkdir -p /opt/lead-etl \
 && tar -xzf /tmp/lead-etl-*.tgz -C /opt/lead-etl --strip-components=1 \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && cp -a node_modules /opt/lead-etl/node_modules \
 && chmod 0755 /opt/lead-etl/dist/bin/lead-etl.js

# --- runtime ---------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime

ENV NODE_ENV=production \
    LEAD_ETL_CONFIG=/etc/lead-etl/config.json

# A system user of its own (no login, no shell): lead-etl never needs root. /var/lib/lead-etl/archive is
# where the built files are kept; mount a volume there that every replica shares.
RUN groupadd --system --gid 10001 lead-etl \
 && useradd --system --uid 10001 --gid lead-etl --home-dir /var/lib/lead-etl --no-create-home --shell /usr/sbin/nologin lead-etl \
 && mkdir -p /var/lib/lead-etl/archive /etc/lead-etl \
 && chown -R lead-etl:lead-etl /var/lib/lead-etl \
 && ln -s /opt/lead-etl/dist/bin/lead-etl.js /usr/local/bin/lead-etl

COPY --from=build /opt/lead-etl /opt/lead-etl

WORKDIR /var/lib/lead-etl
USER lead-etl:lead-etl

# daemon.httpPort: /healthz, /readyz, /metrics.
EXPOSE 8080

# Alive, not ready: restarting a daemon whose ticks fail (a wrong host key) would not help, so the
# container's health is /healthz; /readyz (503 while ticks fail, with the reason) is for alerting.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.LEAD_ETL__DAEMON__HTTP_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["lead-etl"]
CMD ["daemon"]
