# The ocop-docs image for compose.yaml: the Debian packages of scripts/bootstrap.sh (run
# profile) and the project installed with pip. Nothing is downloaded at run time.
FROM python:3.11-slim-bookworm
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd libgl1 libglib2.0-0 poppler-utils antiword \
      fonts-dejavu-core fonts-liberation && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir -e /app     # editable: models/ and templates/ are read from /app
ENV OMP_THREAD_LIMIT=1 HF_HUB_OFFLINE=1
EXPOSE 8000
CMD ["ocop-docs", "serve", "--host", "0.0.0.0"]
