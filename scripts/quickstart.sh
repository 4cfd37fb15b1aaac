#!/usr/bin/env bash
# Sets up a fresh Debian machine (as root) and starts a k8ts cluster on the embedded store.
# Afterwards: export KUBECONFIG=/var/lib/k8ts/kubeconfig.yaml; kubectl get nodes,ns
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
data_dir=${K8TS_DATA_DIR:-/var/lib/k8ts}
mkdir -p "$data_dir"
log="$data_dir/k8ts-server.log"
if [ -f "$data_dir/k8ts-server.pid" ] && kill -0 "$(cat "$data_dir/k8ts-server.pid")" 2>/dev/null; then
  echo "k8ts server already running (pid $(cat "$data_dir/k8ts-server.pid"))"
else
  rm -f "$data_dir/kubeconfig.yaml"
  nohup ./bin/k8ts server --data-dir "$data_dir" >>"$log" 2>&1 &
  echo $! >"$data_dir/k8ts-server.pid"
  for _ in $(seq 1 100); do
    [ -f "$data_dir/kubeconfig.yaml" ] && break
    kill -0 "$(cat "$data_dir/k8ts-server.pid")" 2>/dev/null || { echo "k8ts server failed, see $log"; tail -20 "$log"; exit 1; }
    sleep 0.1
  done
fi
echo "k8ts server is up (logs: $log)"
echo "  export KUBECONFIG=$data_dir/kubeconfig.yaml"
echo "  kubectl get namespaces"
