# syntax=docker/dockerfile:1
# One image for every cvchat process: the API (`cvchat serve`), the workers
# (`cvchat worker`) and the one-shot jobs (`cvchat migrate`, `cvchat index`).
# docker-compose.yml runs the whole production stack from it.

# --- 1. the chat client: static files built with Node -----------------------------------
FROM node:20-bookworm-slim AS front
WORKDIR /front
COPY front/package.json front/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY front/ ./
RUN npm run build

# --- 2. the Python environment, built apart so that no compiler reaches the image -------
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
# PyTorch first, from PyTorch's CPU wheel index: the PyPI wheel of torch for Linux pulls
# the CUDA libraries (several GB) that a CPU-only service never uses. (The Makefile's plain
# `pip install torch==2.13.0` relies on the development machine's package mirror.)
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY pyproject.toml README.md ./
COPY src/ src/
RUN pip install .

# --- 3. the runtime image ---------------------------------------------------------------
FROM python:3.11-slim-bookworm AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    HF_HOME=/app/models \
    CVCHAT_DATA_DIR=/app/data \
    CVCHAT_FRONT_DIST=/app/front/dist \
    CVCHAT_LOG_FORMAT=json
# PDF rendering (the corpus generator), PDF tools and OCR of scanned CVs: the list of
# scripts/system-deps.sh.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
       fonts-dejavu-core fonts-liberation2 fonts-lato fonts-open-sans poppler-utils \
       tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa tesseract-ocr-fra tesseract-ocr-deu \
    && rm -rf /var/lib/apt/lists/*
# A fixed, unprivileged user: the processes never run as root.
RUN groupadd --system --gid 10001 cvchat \
    && useradd --system --uid 10001 --gid cvchat --home-dir /app --shell /usr/sbin/nologin cvchat
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=front /front/dist /app/front/dist
RUN mkdir -p /app/data/cvs /app/data/index /app/models && chown -R cvchat:cvchat /app
USER cvchat
EXPOSE 8000 9100
# Liveness of the API (compose checks readiness instead; workers override this check).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/api/health/live' % os.environ.get('CVCHAT_PORT', '8000'), timeout=4)"]
# A public bind needs CVCHAT_AUTH__MODE=token (or CVCHAT_ALLOW_PUBLIC_BIND=true).
CMD ["cvchat", "serve", "--host", "0.0.0.0"]
