#!/usr/bin/env bash
# Runs the browser tests and copies the screenshots the README shows into docs/img/.
set -euo pipefail
cd "$(dirname "$0")/.."
./dev.sh test tests/browser -q
mkdir -p docs/img
for name in wachtrij dossier dashboard jaarmonitor mdo-agenda; do
  cp "test-artifacts/screenshots/$name.png" "docs/img/$name.png"
done
echo "docs/img bijgewerkt"
