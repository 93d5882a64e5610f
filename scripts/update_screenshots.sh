#!/usr/bin/env bash
# Runs the browser tests and copies the screenshots the README shows into docs/img/.
set -euo pipefail
cd "$(dirname "$0")/.."
./dev.sh test tests/browser -q
mkdir -p docs/img
for name in wachtrij dossier dashboard jaarmonitor; do
  cp "test-artifacts/screenshots/$name.png" "docs/img/$name.png"
done
# from tests/browser/test_density.py (issue 17): the pages at working density, and one at phone width
cp test-artifacts/screenshots/mdo-agenda-24.png docs/img/mdo-agenda.png
cp test-artifacts/screenshots/wachtrij-gesorteerd.png docs/img/wachtrij.png
cp test-artifacts/screenshots/escalatie-doorbraak.png docs/img/escalatie.png
cp test-artifacts/screenshots/wachtrij-gesorteerd-telefoon.png docs/img/wachtrij-telefoon.png
cp test-artifacts/screenshots/mijn-acties.png docs/img/mijn-acties.png
echo "docs/img bijgewerkt"
