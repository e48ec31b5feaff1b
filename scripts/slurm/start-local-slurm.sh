#!/usr/bin/env bash
# Start a small, real Slurm cluster on this host for tests: munged, slurmctld and one slurmd per
# emulated node, all on 127.0.0.1, with fake GPUs (gres files that point at /dev/null).
#
#   scripts/slurm/start-local-slurm.sh [STATE_DIR] [--nodes N] [--gpus N] [--cpus N] [--port P] [--no-install]
#
#   STATE_DIR   config, logs, spool, sockets (default /tmp/dianjin-slurm; at most 64 characters
#               because slurmd puts Unix sockets under it)
#   --nodes N   emulated nodes n1..nN (default 2)
#   --gpus N    fake GPUs per node (default 4; 0 = no gres)
#   --cpus N    CPUs each node advertises (default 4)
#   --port P    slurmctld port; slurmd of node i listens on P+i (default 17817)
#   --no-install  fail instead of running apt-get when a program is missing
#
# Needs root and Debian/Ubuntu packages munge slurmctld slurmd slurm-client (installed when missing).
# Idempotent: a healthy cluster with the same settings is left alone; anything else is stopped and
# started fresh. Clients need SLURM_CONF=STATE_DIR/etc/slurm.conf (written to STATE_DIR/env.sh).
# Stop with scripts/slurm/stop-local-slurm.sh STATE_DIR.
set -euo pipefail
trap '' PIPE # a reader that went away must not kill us half-way

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
started_ns=$(date +%s%N)
log() { printf 'local-slurm: %s\n' "$*" >&2 || true; }
usage() { sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

state=/tmp/dianjin-slurm nodes=2 gpus=4 cpus=4 port=17817 install=1
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) nodes=${2:?}; shift 2 ;;
    --gpus) gpus=${2:?}; shift 2 ;;
    --cpus) cpus=${2:?}; shift 2 ;;
    --port) port=${2:?}; shift 2 ;;
    --no-install) install=0; shift ;;
    -h | --help) usage ;;
    -*) log "unknown option $1"; usage ;;
    *) state=$1; shift ;;
  esac
done
for n in "$nodes" "$gpus" "$cpus" "$port"; do [[ $n =~ ^[0-9]+$ ]] || { log "not a number: $n"; exit 2; }; done
[ "$nodes" -ge 1 ] || { log "--nodes must be at least 1"; exit 2; }
[ "$(id -u)" = 0 ] || { log "must run as root (the daemons run as SlurmUser=root)"; exit 1; }

state=$(realpath -m "$state")
case "$state" in / | /tmp | /var | /etc | /usr | /root | /home) log "refusing STATE_DIR $state"; exit 2 ;; esac
[ ${#state} -le 64 ] || { log "STATE_DIR $state is longer than 64 characters"; exit 2; }
mkdir -p "$state"
export SLURM_CONF="$state/etc/slurm.conf"
settings="nodes=$nodes gpus=$gpus cpus=$cpus port=$port"

# ---- programs -------------------------------------------------------------------------------
packages=(munge slurmctld slurmd slurm-client)
missing=()
for p in munged mungekey slurmctld slurmd slurmstepd sbatch srun squeue scontrol scancel sinfo setsid; do
  command -v "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$install" = 1 ] || { log "missing ${missing[*]}; install with: apt-get install -y --no-install-recommends ${packages[*]}"; exit 1; }
  log "installing ${packages[*]} (missing: ${missing[*]})"
  export DEBIAN_FRONTEND=noninteractive
  # Package scripts must not start system-wide services; policy-rc.d exit 101 forbids it.
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; own_policy=1; fi
  apt_install() { apt-get install -y -q -o DPkg::Lock::Timeout=300 --no-install-recommends "${packages[@]}" >"$state/apt.log" 2>&1; }
  rc=0
  apt_install || { apt-get update -q -o DPkg::Lock::Timeout=300 >>"$state/apt.log" 2>&1 && apt_install; } || rc=$?
  [ "$own_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  [ "$rc" = 0 ] || { tail -n 20 "$state/apt.log" >&2; log "apt-get failed (see $state/apt.log)"; exit 1; }
fi

# ---- helpers ----------------------------------------------------------------------------------
alive() { # PID: running and not a zombie (kill -0 succeeds on zombies)
  local s
  [ -n "${1:-}" ] && [ -r "/proc/$1/stat" ] || return 1
  s=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
  [ -n "$s" ] && [ "$s" != Z ] && [ "$s" != X ]
}
pidfile_alive() { alive "$(cat "$1" 2>/dev/null)"; }
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_until() { # WHAT CMD...: retry every 0.2 s for 60 s
  local what=$1 deadline=$((SECONDS + 60)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || abort "timed out waiting for $what"
    sleep 0.2
  done
}
# Detached daemon: own session, stdio to a log, no inherited descriptors, so a CI pipe or a Node
# parent waiting for our output is never held open by it.
spawn() { # LOG CMD...
  local out=$1 fd; shift
  (
    cd /
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    exec setsid -f "$@" </dev/null >>"$out" 2>&1
  )
}
abort() {
  set +e
  log "ERROR: $*"
  for f in "$state"/log/*.log; do [ -s "$f" ] && { printf -- '--- %s\n' "$f" >&2; tail -n 10 "$f" >&2; }; done
  bash "$here/stop-local-slurm.sh" "$state" >&2
  exit 1
}
nodes_idle() {
  local out
  out=$(sinfo -h -N -o '%N %t') || return 1
  [ "$(grep -c . <<<"$out")" -ge "$nodes" ] && ! awk '{print $2}' <<<"$out" | grep -qvE '^(idle|alloc|mix)$'
}
healthy() {
  [ "$(cat "$state/settings" 2>/dev/null)" = "$settings" ] || return 1
  pidfile_alive "$state/run/munged.pid" && pidfile_alive "$state/run/slurmctld.pid" || return 1
  local i
  for i in $(seq 1 "$nodes"); do pidfile_alive "$state/run/slurmd-n$i.pid" || return 1; done
  scontrol ping 2>/dev/null | grep -q 'is UP' && nodes_idle
}
report() {
  local ms=$((($(date +%s%N) - started_ns) / 1000000))
  log "cluster $1 in ${ms} ms ($settings); use: export SLURM_CONF=$SLURM_CONF"
}

if healthy; then report "already running"; exit 0; fi
if compgen -G "$state/run/*.pid" >/dev/null || [ -e "$state/etc/slurm.conf" ]; then
  log "stopping the previous (stopped, partial or different) cluster in $state"
  bash "$here/stop-local-slurm.sh" "$state" >&2 || { log "could not stop the previous cluster"; exit 1; }
fi
for p in "$port" $(seq $((port + 1)) $((port + nodes))); do
  if port_in_use "$p"; then log "port $p on 127.0.0.1 is taken; choose another --port"; exit 1; fi
done

# ---- configuration ----------------------------------------------------------------------------
rm -rf "${state:?}"/{etc,run,log,ctld,spool,dev,munge,munge-key,settings,env.sh}
mkdir -p "$state"/{etc,run,log,ctld,dev,munge,munge-key}
for i in $(seq 1 "$nodes"); do mkdir -p "$state/spool/n$i"; done
chmod 755 "$state" "$state/munge" # munged wants its socket directory traversable by everyone
chmod 700 "$state/munge-key"
host=$(hostname -s 2>/dev/null || hostname)

mungekey --create --keyfile="$state/munge-key/munge.key" >/dev/null 2>&1 ||
  dd if=/dev/urandom of="$state/munge-key/munge.key" bs=1024 count=1 status=none
chmod 600 "$state/munge-key/munge.key"
sock="$state/munge/munge.socket"

gres=""
if [ "$gpus" -gt 0 ]; then
  # gres/gpu needs character devices; symlinks to /dev/null are accepted and never opened.
  for g in $(seq 0 $((gpus - 1))); do ln -s /dev/null "$state/dev/nvidia$g"; done
  printf 'AutoDetect=off\nNodeName=n[1-%s] Name=gpu File=%s/dev/nvidia[0-%s]\n' "$nodes" "$state" $((gpus - 1)) >"$state/etc/gres.conf"
  gres="Gres=gpu:$gpus"
fi

cat >"$state/etc/slurm.conf" <<EOF
# Written by dianjin-train scripts/slurm/start-local-slurm.sh ($settings)
ClusterName=dianjin
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
CommunicationParameters=NoInAddrAny,NoCtldInAddrAny
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool/%n
SlurmctldPidFile=$state/run/slurmctld.pid
SlurmdPidFile=$state/run/slurmd-%n.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd-%n.log
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$state/log/jobcomp.txt
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
ReturnToService=2
# Finished jobs stay visible to scontrol/squeue for a day (there is no accounting database).
MinJobAge=86400
# Time limits are enforced without grace, and a job that ignores SIGTERM is killed 2 s later.
OverTimeLimit=0
KillWait=2
GresTypes=gpu
EOF
for i in $(seq 1 "$nodes"); do
  echo "NodeName=n$i NodeHostname=$host NodeAddr=127.0.0.1 Port=$((port + i)) CPUs=$cpus RealMemory=$((cpus * 1000)) $gres State=UNKNOWN" >>"$state/etc/slurm.conf"
done
echo "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP" >>"$state/etc/slurm.conf"

# ---- daemons ----------------------------------------------------------------------------------
spawn "$state/log/munged.out" munged --foreground --force --key-file="$state/munge-key/munge.key" \
  --socket="$sock" --pid-file="$state/run/munged.pid" --log-file="$state/log/munged.log" \
  --seed-file="$state/munge-key/seed"
munge_works() { munge -S "$sock" -n | unmunge -S "$sock"; }
wait_until munged munge_works

spawn "$state/log/slurmctld.out" slurmctld -D -f "$SLURM_CONF"
ctld_up() { scontrol ping | grep -q 'is UP'; }
wait_until slurmctld ctld_up
for i in $(seq 1 "$nodes"); do
  spawn "$state/log/slurmd-n$i.out" slurmd -D -f "$SLURM_CONF" -N "n$i"
done
wait_until "$nodes idle node(s)" nodes_idle

printf 'export SLURM_CONF=%q\n' "$SLURM_CONF" >"$state/env.sh"
echo "$settings" >"$state/settings"
report started
