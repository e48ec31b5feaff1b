#!/usr/bin/env bash
# Stop the cluster that start-local-slurm.sh started in STATE_DIR (default /tmp/dianjin-slurm).
#
#   scripts/slurm/stop-local-slurm.sh [STATE_DIR] [--purge]
#
# Cancels its jobs, then stops slurmd, slurmctld and munged by the PIDs in STATE_DIR/run, each
# checked to belong to STATE_DIR first (never by process name). Leftover slurmstepd processes of
# this cluster (and the job programs under them) are killed too. --purge deletes STATE_DIR's
# contents. Safe to run twice or on a half-started cluster.
set -uo pipefail
trap '' PIPE
log() { printf 'local-slurm: %s\n' "$*" >&2 || true; }

state=/tmp/dianjin-slurm purge=0
for a in "$@"; do
  case "$a" in
    --purge) purge=1 ;;
    -h | --help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    *) state=$a ;;
  esac
done
[ -d "$state" ] || { log "nothing to stop in $state"; exit 0; }
state=$(cd "$state" && pwd -P)
export SLURM_CONF="$state/etc/slurm.conf"

alive() {
  local s
  [ -n "${1:-}" ] && [ -r "/proc/$1/stat" ] || return 1
  s=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
  [ -n "$s" ] && [ "$s" != Z ] && [ "$s" != X ]
}
belongs_here() { # PID: alive and tied to STATE_DIR by its command line, cwd or an open file
  local p=$1 f
  alive "$p" || return 1
  tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF -- "$state/" && return 0
  case "$(readlink "/proc/$p/cwd" 2>/dev/null)/" in "$state"/*) return 0 ;; esac
  for f in /proc/"$p"/fd/*; do
    case "$(readlink "$f" 2>/dev/null)" in "$state"/*) return 0 ;; esac
  done
  return 1
}
stop_pid() { # PID NAME
  local p=$1 i
  belongs_here "$p" || return 0
  kill -TERM "$p" 2>/dev/null
  for i in $(seq 1 50); do alive "$p" || return 0; sleep 0.2; done
  log "$2 (pid $p) ignored SIGTERM for 10 s; killing it"
  kill -KILL "$p" 2>/dev/null
  for i in $(seq 1 25); do alive "$p" || return 0; sleep 0.2; done
  log "could not stop $2 (pid $p)"
  return 1
}
pids_named() { # NAME: live processes with that command name that belong to STATE_DIR
  local p
  for p in $(ps -eo pid=,comm= | awk -v n="$1" '$2 == n {print $1}'); do belongs_here "$p" && echo "$p"; done
  return 0
}
stop_daemon() { # NAME PIDFILE...: by pid file, then any of that program still tied to STATE_DIR
  local name=$1 f p; shift
  for f in "$@"; do
    [ -f "$f" ] || continue
    stop_pid "$(cat "$f" 2>/dev/null)" "$name" || rc=1
    rm -f "$f"
  done
  for p in $(pids_named "$name"); do stop_pid "$p" "$name" || rc=1; done
}
descendants() {
  local k
  for k in $(ps -eo pid=,ppid= | awk -v p="$1" '$2 == p {print $1}'); do echo "$k"; descendants "$k"; done
}

rc=0
if [ -f "$SLURM_CONF" ] && alive "$(cat "$state/run/slurmctld.pid" 2>/dev/null)" &&
  timeout 5 scontrol ping 2>/dev/null | grep -q 'is UP'; then
  jobs=$(timeout 10 squeue -h -o '%A' 2>/dev/null | tr '\n' ' ')
  if [ -n "${jobs// /}" ]; then
    log "cancelling jobs $jobs"
    # shellcheck disable=SC2086 # one argument per job id
    timeout 10 scancel $jobs 2>/dev/null
    for _ in $(seq 1 50); do [ -z "$(timeout 5 squeue -h -o '%A' 2>/dev/null)" ] && break; sleep 0.2; done
  fi
fi

stop_daemon slurmd "$state"/run/slurmd-*.pid
stop_daemon slurmctld "$state/run/slurmctld.pid"
# slurmstepd outlives slurmd; it is recognised by its cwd/log inside STATE_DIR. Freeze it so it
# cannot start anything new, kill the job programs under it, then it.
for p in $(pids_named slurmstepd); do
  kill -STOP "$p" 2>/dev/null
  tree=$(descendants "$p" | tr '\n' ' ')
  log "killing leftover slurmstepd $p and its processes ${tree:-(none)}"
  # shellcheck disable=SC2086
  [ -n "${tree// /}" ] && kill -KILL $tree 2>/dev/null
  kill -KILL "$p" 2>/dev/null
done
stop_daemon munged "$state/run/munged.pid"
rm -f "$state/settings" "$state/munge/munge.socket" "$state/munge/munge.socket.lock"

if [ "$purge" = 1 ]; then
  rm -rf "${state:?}"/{etc,run,log,ctld,spool,dev,munge,munge-key,env.sh,apt.log}
  rmdir "$state" 2>/dev/null || true
fi
if [ "$rc" = 0 ]; then log "cluster in $state stopped"; else log "some processes could not be stopped"; fi
exit "$rc"
