#!/usr/bin/env bash
# Run a command with the local Slurm cluster up, for the real-Slurm tests (`npm test` never starts one):
#
#   scripts/slurm/with-local-slurm.sh -- CMD [ARG...]
#
# A cluster already running in STATE_DIR is used and left running. Otherwise start-local-slurm.sh starts one (and
# installs the Debian packages when missing), and it is stopped again when CMD ends, however it ends. CMD runs with
# DIANJIN_TEST_SLURM=required, so the Slurm tests fail instead of skipping if the cluster is not there.
# STATE_DIR: $DIANJIN_TEST_SLURM_DIR (default /tmp/dianjin-slurm); $DIANJIN_TEST_SLURM_PORT: slurmctld's port for a
# cluster started here (default start-local-slurm.sh's), so a second cluster can run beside another. Exit status:
# CMD's, or 1 when the cluster could not be started. Used by `npm run test:slurm` and .ci/run.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
log() { printf 'with-local-slurm: %s\n' "$*" >&2 || true; }

[ "${1:-}" = -- ] && shift
[ $# -gt 0 ] || { sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
state=${DIANJIN_TEST_SLURM_DIR:-/tmp/dianjin-slurm}
export DIANJIN_TEST_SLURM_DIR=$state DIANJIN_TEST_SLURM=required

running() {
  [ -f "$state/etc/slurm.conf" ] && SLURM_CONF="$state/etc/slurm.conf" timeout 10 scontrol ping 2>/dev/null | grep -q 'is UP'
}

if running; then
  log "using the cluster already running in $state (it stays running)"
else
  bash "$here/start-local-slurm.sh" "$state" ${DIANJIN_TEST_SLURM_PORT:+--port "$DIANJIN_TEST_SLURM_PORT"} || { log "could not start the local Slurm cluster in $state"; exit 1; }
  stop() { bash "$here/stop-local-slurm.sh" "$state" || log "could not stop every process of the cluster in $state"; }
  trap stop EXIT
  trap 'exit 143' TERM
  trap 'exit 130' INT
fi
"$@"
