#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu): it installs
# Python with Flask, Node.js 24 (LTS; an image's own Node.js 22 or later is kept) and the grader
# (packed in vendor/, installed from this folder). Node.js 20 reached its end of life in April 2026.
set -euo pipefail
cd /autograder/source

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends ca-certificates curl gnupg python3 python3-pip

if ! command -v node >/dev/null 2>&1 || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 22 ]; then
  curl -fsSL https://deb.nodesource.com/setup_24.x | bash -
  apt-get install -y nodejs
fi

# Newer Ubuntu images refuse system-wide pip installs unless told that it is wanted.
python3 -m pip install -r requirements.txt || python3 -m pip install --break-system-packages -r requirements.txt
npm install --omit=dev --no-audit --no-fund
chmod +x run_autograder
