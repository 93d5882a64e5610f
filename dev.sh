#!/usr/bin/env bash
# BZT developer entry point. Needs only Python 3.11+.
#   ./dev.sh up     set up, migrate, load demo data and run the app on http://127.0.0.1:8000
#   ./dev.sh test   lint, the import layers, migration check and the whole test suite (pytest arguments may follow)
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=.venv

setup() {
  if [ ! -x "$VENV/bin/python" ]; then
    echo "==> virtuele omgeving maken in $VENV"
    "$PYTHON" -m venv "$VENV"
  fi
  local stamp="$VENV/.requirements-$(cat requirements.lock requirements-dev.lock | sha1sum | cut -c1-12)"
  if [ ! -f "$stamp" ]; then
    echo "==> afhankelijkheden installeren (requirements-dev.lock: de app plus test- en ontwikkeltools)"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -r requirements-dev.lock
    rm -f "$VENV"/.requirements-* && touch "$stamp"
  fi
}

case "${1:-}" in
  up)
    setup
    export DEBUG=${DEBUG:-true}
    "$VENV/bin/python" manage.py migrate --noinput
    "$VENV/bin/python" manage.py seed_demo
    echo
    echo "BZT draait op http://127.0.0.1:8000/ — log in met een demo-account hierboven (wachtwoord: ${DEMO_PASSWORD:-demo})."
    echo "Stoppen: Ctrl+C"
    exec "$VENV/bin/python" manage.py runserver "${PORT:-8000}"
    ;;
  test)
    shift
    setup
    echo "==> ruff"
    "$VENV/bin/ruff" check .
    echo "==> lint-imports (de lagen: bzt < meldpunt < casusregie < mdo < monitor < keten)"
    "$VENV/bin/lint-imports"
    echo "==> makemigrations --check"
    DEBUG=true "$VENV/bin/python" manage.py makemigrations --check --dry-run
    echo "==> pytest"
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  *)
    echo "gebruik: ./dev.sh up | ./dev.sh test [pytest-argumenten]" >&2
    exit 2
    ;;
esac
