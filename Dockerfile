# syntax=docker/dockerfile:1.7
# One image for all seven services. The command picks the service:
#   docker run switchboard switchboard_call_store      (python -m switchboard_call_store)
# and `--entrypoint switchboard <image> topics` creates the Kafka topics.

ARG PYTHON_IMAGE=python:3.11-slim

# --- builder: resolve the locked dependencies and install every workspace package -----------
FROM ${PYTHON_IMAGE} AS builder

ARG UV_VERSION=0.13.9
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3 \
    UV_PROJECT_ENVIRONMENT=/app/.venv

RUN pip install "uv==${UV_VERSION}"

WORKDIR /src
COPY pyproject.toml uv.lock ./
COPY shared ./shared
COPY deploy ./deploy
COPY services ./services

# Non-editable: the virtual environment holds built packages and no longer needs /src.
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev --all-packages --no-editable

# --- runtime: the virtual environment on a slim Python, run as an unprivileged user ----------
FROM ${PYTHON_IMAGE} AS runtime

# The commit the image is built from (docker build --build-arg BUILD_COMMIT=$(git rev-parse HEAD));
# every replica reports it in its heartbeat, so status shows which build runs where.
ARG BUILD_COMMIT=""
ENV BUILD_COMMIT=${BUILD_COMMIT} \
    PATH=/app/.venv/bin:${PATH} \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/tmp \
    TMPDIR=/tmp \
    HTTP_HOST=0.0.0.0

RUN groupadd --system --gid 10001 switchboard \
    && useradd --system --uid 10001 --gid 10001 --no-create-home \
       --home-dir /nonexistent --shell /usr/sbin/nologin switchboard

# Owned by root and not writable by the service user: the root filesystem can be read-only.
COPY --from=builder /app/.venv /app/.venv

WORKDIR /app
USER 10001:10001
EXPOSE 8000 8001 8002 8003 8004 8005 8006

ENTRYPOINT ["python", "-m"]
CMD ["switchboard_gateway"]
