# Taakbot in a container: non-root, state on a volume, health checked.
#   docker build -t taakbot . && docker volume create taakbot-data
#   docker run -d -v taakbot-data:/data -e TAAKBOT_TELEGRAM_TOKEN=… taakbot
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY commands ./commands
COPY engine ./engine
COPY sheets ./sheets
COPY locales ./locales
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin taakbot \
    && mkdir -p /data && chown taakbot:taakbot /data

# Subscriptions, language choices and the delivery log survive a redeploy only on a volume.
VOLUME ["/data"]
ENV TAAKBOT_DB=/data/taakbot.sqlite \
    TAAKBOT_HEALTH_PORT=8080
USER taakbot
WORKDIR /data

# Webhook mode: set TAAKBOT_WEBHOOK_URL, TAAKBOT_WEBHOOK_SECRET and TAAKBOT_WEBHOOK_LISTEN=0.0.0.0,
# publish 8443 behind a TLS proxy. /healthz is on the webhook port then, else on 8080 (inside).
EXPOSE 8443
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 \
    CMD ["taakbot", "health"]

CMD ["taakbot", "run"]
