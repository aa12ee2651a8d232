#!/bin/sh
# Installs the Debian packages paymatch needs to build and test, when they are missing.
set -e
PKGS="build-essential make time pkg-config libcsv-dev libyaml-dev libncurses-dev libsqlite3-dev \
libcmocka-dev tmux sqlite3 python3 mandoc ncurses-term locales"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO=sudo
	echo "installing:$missing" >&2
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
