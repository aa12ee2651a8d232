#!/bin/sh
# Quick start 2 (and CI): install what is missing, build, run every test.
# Ends with one line "N passed, N failed"; exit status 1 when anything failed.
set -e
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
make -j2 check
