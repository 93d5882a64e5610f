#!/usr/bin/env bash
# Vendors the front-end packages from the npm registry into static/vendor/.
# Run it when upgrading a version below; the result is committed, so neither the app nor its
# tests need npm or a CDN at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGES=(
  "@utrecht/component-library-css@9.0.4"   # NL Design System components (Utrecht community)
  "@utrecht/design-tokens@5.0.1"           # the design tokens those components read
  "htmx.org@2.0.8"                         # in-place updates of server-rendered HTML
  "axe-core@4.11.4"                        # accessibility checks in the browser tests
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && for p in "${PACKAGES[@]}"; do npm pack --silent "$p" >/dev/null; done)
out=static/vendor
rm -rf "$out" && mkdir -p "$out"
for tgz in "$work"/*.tgz; do
  name=$(basename "$tgz" .tgz)
  mkdir -p "$work/$name" && tar xzf "$tgz" -C "$work/$name"
done
cp "$work"/utrecht-component-library-css-*/package/dist/index.css "$out/utrecht-components.css"
cp "$work"/utrecht-design-tokens-*/package/dist/theme.css "$out/utrecht-theme.css"
cp "$work"/htmx.org-*/package/dist/htmx.min.js "$out/htmx.min.js"
cp "$work"/axe-core-*/package/axe.min.js "$out/axe.min.js"
for lic in "$work"/*/package/LICENSE*; do
  cp "$lic" "$out/LICENSE-$(basename "$(dirname "$(dirname "$lic")")")"
done
printf '%s\n' "${PACKAGES[@]}" | sed 's/ *#.*//' > "$out/VERSIONS"
echo "vendored into $out:"; ls -la "$out"
