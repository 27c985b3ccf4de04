#!/usr/bin/env bash
# Prints the JRE 17 base image every image of the stack is built FROM, making it available first.
#
#   JRE_BASE set       -> that image (pulled if not present; an error names it if it cannot be had)
#   otherwise          -> the public default if present or pullable within PULL_TIMEOUT seconds,
#                         else a base built here from Debian packages (debootstrap + docker import), once.
#
# The Debian mirror is the machine's own apt source (or debootstrap's default): none is named in the repository.
set -euo pipefail

DEFAULT_BASE=${DEFAULT_JRE_BASE:-eclipse-temurin:17-jre}
LOCAL_BASE=${LOCAL_JRE_BASE:-streaming-clicks/jre17-debian:bookworm}
SUITE=${DEBIAN_SUITE:-bookworm}
PULL_TIMEOUT=${PULL_TIMEOUT:-20}

say() { echo "[jre-base] $*" >&2; }
present() { docker image inspect "$1" >/dev/null 2>&1; }

if [[ -n "${JRE_BASE:-}" ]]; then
  if ! present "$JRE_BASE" && ! docker pull "$JRE_BASE" >&2; then
    say "JRE_BASE=$JRE_BASE is neither present nor pullable; unset JRE_BASE to build a base from Debian packages"
    exit 1
  fi
  echo "$JRE_BASE"; exit 0
fi
if present "$DEFAULT_BASE"; then echo "$DEFAULT_BASE"; exit 0; fi
if present "$LOCAL_BASE"; then echo "$LOCAL_BASE"; exit 0; fi
say "trying to pull $DEFAULT_BASE (at most ${PULL_TIMEOUT}s)"
if timeout "$PULL_TIMEOUT" docker pull -q "$DEFAULT_BASE" >/dev/null 2>&1; then echo "$DEFAULT_BASE"; exit 0; fi

say "$DEFAULT_BASE cannot be pulled here: building $LOCAL_BASE from Debian packages ($SUITE, openjdk-17-jre-headless)"
command -v debootstrap >/dev/null || { say "debootstrap is missing: sudo apt-get install debootstrap"; exit 1; }
[[ $(id -u) == 0 ]] || { say "debootstrap needs root: run as root (or set JRE_BASE to a JRE 17 image you have)"; exit 1; }

# The machine's first Debian mirror, if it has one configured; debootstrap's own default otherwise.
mirror=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list /etc/apt/sources.list 2>/dev/null \
  | grep -v security | sed -E 's/^URIs:[[:space:]]*//; s/^deb (\[[^]]*\] )?//' | awk '{print $1}' | head -n 1 || true)

root=$(mktemp -d "${TMPDIR:-/tmp}/jre-base.XXXXXX")
trap 'rm -rf "$root"' EXIT
started=$(date +%s)
if ! debootstrap --variant=minbase --include=openjdk-17-jre-headless "$SUITE" "$root/fs" $mirror > "$root/debootstrap.log" 2>&1; then
  tail -n 20 "$root/debootstrap.log" >&2
  say "debootstrap failed (mirror: ${mirror:-debootstrap default}); log above"
  exit 1
fi
rm -rf "$root"/fs/var/cache/apt/archives/*.deb "$root"/fs/var/lib/apt/lists/* "$root"/fs/usr/share/doc/* \
  "$root"/fs/usr/share/man/* "$root"/fs/usr/share/locale/*
java_home=$(dirname "$(dirname "$(chroot "$root/fs" readlink -f /usr/bin/java)")")
tar -C "$root/fs" -c . | docker import \
  --change "ENV JAVA_HOME=$java_home" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["/bin/bash"]' \
  - "$LOCAL_BASE" >/dev/null
say "built $LOCAL_BASE in $(( $(date +%s) - started )) s"
echo "$LOCAL_BASE"
