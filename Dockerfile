# The service image: Python 3.11 on Debian, with Pango for the PDF forms.
FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /srv/parcours
COPY pyproject.toml README.md LICENSE ./
COPY referentiel referentiel
COPY pathways pathways
COPY badges badges
COPY printables printables
COPY app app
RUN pip install --no-cache-dir . && useradd --system --home /srv/parcours parcours && install -d -m 0700 -o parcours var var/uploads
USER parcours
EXPOSE 8000
CMD ["parcours", "serve", "--host", "0.0.0.0", "--port", "8000"]
