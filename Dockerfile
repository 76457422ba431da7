# mockcar as a container: `docker compose up` (see docker-compose.yml) or
#   docker build -t mockcar . && docker run -p 8765:8765 mockcar
# Build stage: turn the checkout into a wheel, so the runtime image holds no sources.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY mockcar ./mockcar
COPY scenarios ./scenarios
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
# Behind a service name the server binds every interface, and authlib must accept plain
# http to hosts other than localhost (`http://mockcar:8765`).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MOCKCAR_HOST=0.0.0.0 \
    MOCKCAR_PORT=8765 \
    MOCKCAR_INSECURE_TRANSPORT=1
COPY --from=build /wheels /wheels
# /data holds the state file when MOCKCAR_STATE points there (docker-compose.yml mounts a
# named volume on it, which starts with this folder's owner).
RUN pip install --no-cache-dir /wheels/*.whl \
    && rm -rf /wheels \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin mockcar \
    && mkdir /data \
    && chown 10001 /data
USER 10001
WORKDIR /home/mockcar
EXPOSE 8765
# `mockcar health` asks the running server's health endpoint, on MOCKCAR_PORT.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 CMD ["mockcar", "health"]
ENTRYPOINT ["mockcar", "serve"]
