#!/usr/bin/env bash
# Installs what k8ts needs on a fresh Debian machine (run as root): Debian packages for the
# datastore and runtime tests, then the npm dependencies (which also builds the TypeScript).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
packages=(etcd-server etcd-client openssl ca-certificates runc crun containernetworking-plugins nftables iproute2 conntrack busybox-static curl docker-registry skopeo attr apache2-utils bind9-dnsutils catatonit)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# etcd-server's package may start a daemon where an init system exists; k8ts starts its own.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing npm dependencies"
  npm ci --no-audit --no-fund
else
  npm run --silent build
fi
