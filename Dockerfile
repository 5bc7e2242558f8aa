# Production image: one image, several roles (web, smtpd, worker, scheduler) chosen by command.
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY tapecut ./tapecut
RUN python -m venv /opt/tapecut && /opt/tapecut/bin/pip install --upgrade pip wheel \
    && /opt/tapecut/bin/pip install ".[openai,bedrock]"

FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 tini \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /var/lib/tapecut --create-home tapecut
COPY --from=build /opt/tapecut /opt/tapecut
ENV PATH=/opt/tapecut/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=tapecut.settings \
    TAPECUT_VAR_DIR=/var/lib/tapecut
USER tapecut
WORKDIR /var/lib/tapecut
RUN tapecut collectstatic --noinput
EXPOSE 8000 2525
ENTRYPOINT ["tini", "--"]
# Web by default; compose overrides the command for smtpd, worker and scheduler.
# The config keeps client addresses out of the access log and lets workers die with the master.
CMD ["gunicorn", "tapecut.wsgi", "--config", "python:tapecut.core.gunicorn_conf", "--bind", "0.0.0.0:8000", "--workers", "4"]
