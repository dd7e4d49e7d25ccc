#!/usr/bin/env bash
# Downloads Debian packages (with apt-get download) for an architecture into a directory, using a
# private apt state dir so the machine's own dpkg architectures and lists stay untouched.
#   debian-download.sh ARCH DEST PACKAGE...
set -euo pipefail
arch=$1 dest=$2; shift 2
mkdir -p "$dest"
state="$dest/.apt-$arch"
mkdir -p "$state/lists/partial" "$state/cache/archives/partial"
opts=(-o "APT::Architecture=$arch" -o "APT::Architectures::=$arch" -o "Dir::State::Lists=$state/lists"
      -o "Dir::Cache=$state/cache" -o "Dir::State::status=/dev/null" -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root")
if [ -z "$(ls -A "$state/lists" 2>/dev/null | grep -v partial)" ]; then
  apt-get "${opts[@]}" update -qq >/dev/null
fi
cd "$dest"
apt-get "${opts[@]}" download -qq "$@" >/dev/null
