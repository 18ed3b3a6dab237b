#!/bin/sh
# Starts the node with GOVERNOR_CLUSTER_HOST set to this container's own address when it is not
# given. The node binds Hazelcast, the clustered event bus and the bridge to the cluster host only
# and tells its peers that address, so it must be an address the peers can reach: the node's
# default, 127.0.0.1, would make every container a cluster of one. Only the container knows its
# address, at start, hence a script rather than an ENV line.
#
# Precedence is the node's own: a --cluster-host flag among the arguments still wins over this.
# Kubernetes sets GOVERNOR_CLUSTER_HOST from the Pod IP (docker/k8s/statefulset.yaml), so nothing
# is detected there. On a container attached to several networks, set GOVERNOR_CLUSTER_HOST to the
# address on the network the nodes share; the first IPv4 address is taken otherwise.
set -eu

first_ipv4() {
  for address in "$@"; do
    case "$address" in
      127.*|*:*) ;;                    # loopback, or IPv6: Hazelcast is configured for IPv4 here
      *.*.*.*) echo "$address"; return 0 ;;
    esac
  done
  return 1
}

if [ -z "${GOVERNOR_CLUSTER_HOST:-}" ]; then
  # hostname -i resolves the container's hostname through /etc/hosts, which Docker and Kubernetes
  # write with the container's address; getent is the fallback where hostname lacks -i.
  # shellcheck disable=SC2046 # word splitting into one address per argument is intended
  GOVERNOR_CLUSTER_HOST="$(first_ipv4 $(hostname -i 2>/dev/null || true) \
    || first_ipv4 $(getent ahostsv4 "$(cat /proc/sys/kernel/hostname)" 2>/dev/null | cut -d' ' -f1) \
    || true)"
  if [ -z "$GOVERNOR_CLUSTER_HOST" ]; then
    echo "agent-governor: cannot find this container's IPv4 address; set GOVERNOR_CLUSTER_HOST" >&2
    exit 2
  fi
  export GOVERNOR_CLUSTER_HOST
fi

# exec: the JVM becomes PID 1 and receives SIGTERM itself, so the node's shutdown hook closes it
# cleanly (leaving the cluster, flushing) within the stop timeout.
exec "$@"
