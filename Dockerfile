# Stockline application image: web (gunicorn), Celery worker and Celery beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system stockline && useradd --system --gid stockline --home /app stockline
WORKDIR /app

COPY pyproject.toml README.md ./
COPY erp/ erp/
COPY inventory/ inventory/
COPY purchasing/ purchasing/
COPY orders/ orders/
COPY warehouse/ warehouse/
COPY returns/ returns/
COPY reporting/ reporting/
# Editable, so the code runs from /app beside templates/ and static/.
RUN pip install -e .
COPY manage.py ./
COPY templates/ templates/
COPY static/ static/

# collectstatic needs settings but no database: give it throwaway values.
RUN DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput -v 0

USER stockline
EXPOSE 8000
CMD ["gunicorn", "erp.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
