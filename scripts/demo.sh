#!/bin/sh
# Quick start 1: install what is missing, build, open paymatch on samples/.
set -e
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
make -j2
exec ./paymatch --db demo.db samples/invoices.csv samples/payments.csv
