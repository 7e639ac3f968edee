#!/usr/bin/env bash
# Builds and tests the front end (web/): SDK unit tests, SDK integration tests and browser
# end-to-end tests. The last two start the server's built dll themselves unless LC_SERVER_URL is set.
set -euo pipefail
cd "$(dirname "$0")/../web"
npm ci --no-audit --no-fund
npm run build
npm test
