#!/bin/sh
# wrangler's build command. The test harness builds the worker once and sets SFCC_CLERK_PREBUILT=1
# so that each `wrangler dev` it starts reuses build/; otherwise build (installing what is missing).
set -e
if [ "${SFCC_CLERK_PREBUILT:-}" = 1 ] && [ -f build/index.js ] && [ -f build/index_bg.wasm ]; then
  echo "using the prebuilt worker in build/"
  exit 0
fi
exec cargo xtask build-worker
