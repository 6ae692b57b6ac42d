#!/usr/bin/env bash
# Debian packages cvchat needs: PDF rendering (pango, fonts), PDF tools, OCR of scanned CVs
# (Tesseract and its English, Spanish, French and German models), a browser for tests.
# Installs only what is missing; needs root (or sudo) the first time.
set -euo pipefail

PACKAGES=(
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
  fonts-dejavu-core fonts-liberation2 fonts-lato fonts-open-sans
  poppler-utils
  tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa tesseract-ocr-fra tesseract-ocr-deu
)
if [[ "${1:-}" == "--with-browser" ]]; then
  PACKAGES+=(chromium)
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "installing Debian packages: ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
