# ODM's container image: one stateless ODM service; run N of them behind a load balancer
# (docs/deployment.md). Everything it needs comes from the environment (ODM_DATABASE_URL,
# ODM_REPLICA_URLS, ... as the README's Settings table lists); it keeps no state of its own.
#
#   docker build -t odm .
#   docker run -p 8000:8000 -e ODM_DATABASE_URL=postgresql://odm@db:5432/odm odm
#
# Oracle needs nothing more: python-oracledb runs in thin mode, without Instant Client.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY odm ./odm
COPY database ./database
# Wheels of ODM (the DDL inside it) and of its pinned dependencies, built once.
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin odm
WORKDIR /app
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels odm && rm -rf /wheels
COPY service.py ./
USER odm
# Worker processes per container (uvicorn reads WEB_CONCURRENCY): one per core it is given.
ENV WEB_CONCURRENCY=2 PYTHONUNBUFFERED=1
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2)"]
CMD ["uvicorn", "service:app", "--host", "0.0.0.0", "--port", "8000", "--timeout-graceful-shutdown", "30"]
