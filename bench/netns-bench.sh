#!/usr/bin/env bash
# A 3-replica group with each replica JVM in a network namespace of its own and the load generator
# in a fourth, every packet between namespaces delayed (netem, or a userspace relay where the
# kernel has no netem): `chora bench --cluster` against "separate hosts" on this machine, to
# compare with a loopback `chora bench` (docs/performance.md).
#
#   bench/netns-bench.sh [--delay 100us] [--jitter 0] [--emulator netem|userspace] [--mtu 1500]
#                        [--storage durable|memory] [--transport aeron-shared|aeron-embedded|tcp]
#                        [--out DIR] [--node-conf KEY=VALUE]... [--cleanup] [--] [chora bench options...]
#
# Topology: namespaces chora-r0, chora-r1, chora-r2 (replicas, 10.77.0.1-3) and chora-load (the
# load generator, 10.77.0.10), loopback up in each, linked through namespace chora-net. Every
# packet between two namespaces is delayed once by --delay (one way; a round trip, twice):
# * --emulator netem (the default): a veth "eth0" per namespace to a bridge in chora-net, netem on
#   each eth0 (--jitter adds normal-distributed jitter);
# * --emulator userspace, for kernels without netem: a TUN device "ct-<name>" per namespace, all
#   held by bench/netns-delay (built here with gcc), which relays each packet to its destination's
#   device --delay later. It adds its own wake-up latency and costs CPU: the script prints the
#   round trip it measured (with python3) and the relay's CPU.
# The addresses exist only inside these namespaces; the host's own network is not touched. Over
# aeron-shared each namespace is a host with its own media driver (MediaDriverProcess's settings,
# its MTU fitted to --mtu). --node-conf sets a chora.* or pekko.* setting on every replica.
#
# Needs root, iproute2 (ip, tc), and the kernel's netem qdisc (unless --delay 0 or --emulator
# userspace, which needs gcc). Refuses bad input before it makes anything. Uses the classes
# the build left in examples/target (as ./chora does, but never builds or installs): build first
# with `mvn -B -q -pl examples -am package -Dmaven.test.skip=true` (or run ./chora once).
# Always cleans up (trap): every JVM it started is stopped, the namespaces and driver directories
# are deleted, even on Ctrl-C or failure. `--cleanup` only removes what an earlier run that was
# SIGKILLed left behind.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CP_FILE="$ROOT/examples/target/classpath.txt"
CLASSES="$ROOT/examples/target/classes"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
NS_PREFIX="chora-"
NS_NET="${NS_PREFIX}net"
NS_LOAD="${NS_PREFIX}load"
REPLICAS=3
SUBNET="10.77.0"
PORT=25520

DELAY="100us"
JITTER="0"
EMULATOR="netem"
MTU=1500
STORAGE="durable"
TRANSPORT="aeron-shared"
OUT="bench-results/netns"
NODE_CONF=()
BENCH_ARGS=()

die() { echo "netns-bench: $*" >&2; exit 2; }

usage() { sed -n '2,30p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

replica_ns() { echo "${NS_PREFIX}r$1"; }
all_ns() { local i; for ((i = 0; i < REPLICAS; i++)); do replica_ns "$i"; done; echo "$NS_LOAD"; echo "$NS_NET"; }

# Deletes our namespaces after stopping every process still in them (only this harness puts
# processes there), and the driver directories.
remove_namespaces() {
  local ns pids
  for ns in $(all_ns); do
    pids="$(ip netns pids "$ns" 2>/dev/null || true)"
    [[ -n "$pids" ]] && kill -9 $pids 2>/dev/null || true
  done
  for ns in $(all_ns); do
    ip netns list | awk '{print $1}' | grep -qx "$ns" || continue
    ip netns del "$ns" 2>/dev/null || echo "netns-bench: could not delete namespace $ns" >&2
  done
  rm -rf /dev/shm/chora-netns-aeron-* 2>/dev/null || true
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --delay) DELAY="${2:?--delay needs a value, e.g. 100us}"; shift 2 ;;
    --jitter) JITTER="${2:?--jitter needs a value, e.g. 10us}"; shift 2 ;;
    --emulator) EMULATOR="${2:?--emulator needs netem or userspace}"; shift 2 ;;
    --mtu) MTU="${2:?--mtu needs a value}"; shift 2 ;;
    --storage) STORAGE="${2:?--storage needs durable or memory}"; shift 2 ;;
    --transport) TRANSPORT="${2:?--transport needs a value}"; shift 2 ;;
    --out) OUT="${2:?--out needs a directory}"; shift 2 ;;
    --node-conf) NODE_CONF+=(--node-conf "${2:?--node-conf needs KEY=VALUE}"); shift 2 ;;
    --cleanup) [[ $EUID -eq 0 ]] || die "--cleanup needs root"; remove_namespaces; echo "netns-bench: cleaned up"; exit 0 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; BENCH_ARGS+=("$@"); break ;;
    *) BENCH_ARGS+=("$1"); shift ;;
  esac
done

# --- checks before anything is made ---------------------------------------------------------
[[ $EUID -eq 0 ]] || die "needs root (it creates network namespaces and sets qdiscs): run it with sudo"
command -v ip >/dev/null && command -v tc >/dev/null || die "needs iproute2 (ip and tc)"
time_re='^[0-9]+(\.[0-9]+)?(us|ms|s)$'
[[ "$DELAY" =~ $time_re || "$DELAY" == 0 ]] || die "--delay $DELAY: write a time such as 100us or 1ms (0: no netem)"
[[ "$JITTER" =~ $time_re || "$JITTER" == 0 ]] || die "--jitter $JITTER: write a time such as 10us (0: none)"
[[ "$EMULATOR" == netem || "$EMULATOR" == userspace ]] || die "--emulator $EMULATOR: use netem or userspace"
[[ "$EMULATOR" == userspace && "$JITTER" != 0 ]] && die "--jitter needs --emulator netem (the userspace relay delays every packet alike)"
[[ "$EMULATOR" == userspace ]] && ! command -v gcc >/dev/null && die "--emulator userspace builds bench/netns-delay.c: needs gcc"
[[ "$MTU" =~ ^[0-9]+$ && "$MTU" -ge 1280 && "$MTU" -le 65535 ]] || die "--mtu $MTU: the links' MTU, 1280..65535"
[[ "$STORAGE" == durable || "$STORAGE" == memory ]] || die "--storage $STORAGE: use durable or memory"
case "$TRANSPORT" in aeron-shared|aeron-embedded|tcp) ;; *) die "--transport $TRANSPORT: use aeron-shared, aeron-embedded or tcp" ;; esac
for a in "${BENCH_ARGS[@]+"${BENCH_ARGS[@]}"}"; do
  case "$a" in --cluster|--cluster=*|--out|--out=*) die "$a is set by this script (--out is its own option)" ;; esac
done
[[ -f "$CP_FILE" && -d "$CLASSES" ]] || die "no build in $ROOT/examples/target: run \`mvn -B -q -pl examples -am package -Dmaven.test.skip=true\` (or ./chora --help) first"
for ns in $(all_ns); do
  ip netns list | awk '{print $1}' | grep -qx "$ns" \
    && die "namespace $ns exists (another run, or one that was SIGKILLed): wait for it, or remove it with $0 --cleanup"
done

# Aeron's MTU: the largest multiple of 32 that fits a link-MTU datagram with IPv4 and UDP headers.
DRIVER_MTU=$(( (MTU - 28) / 32 * 32 )); (( DRIVER_MTU > 65504 )) && DRIVER_MTU=65504
CP="$CLASSES:$(cat "$CP_FILE")"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
LOGS="$OUT/netns-logs"; rm -rf "$LOGS"; mkdir -p "$LOGS"
DATA="$OUT/netns-data"
# Every JVM watches this script's pid (dev.chora.transport.launch.Watched) and halts when it is gone,
# so not even a SIGKILL of the script leaves a JVM behind for long; the trap does the rest.
JAVA_BASE=("$JAVA" --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED
  -Dchora.parent-pid=$$ -cp "$CP")
WATCHED=dev.chora.transport.launch.Watched
# The relay, drivers and replicas run in sessions of their own (setsid): a Ctrl-C reaches only this
# script and the bench, and the trap stops the rest in order (replicas, drivers, relay).
NODE_PIDS=()
DRIVER_PIDS=()
EMU_PIDS=()

MEMBERS=($(all_ns | grep -vx "$NS_NET"))
AERON_DIRS=()
if [[ "$TRANSPORT" == aeron-shared ]]; then
  for ns in "${MEMBERS[@]}"; do AERON_DIRS+=("/dev/shm/chora-netns-aeron-${ns#${NS_PREFIX}}"); done
fi
HOSTS="$SUBNET.1"; for ((i = 1; i < REPLICAS; i++)); do HOSTS+=",$SUBNET.$((i + 1))"; done
# --- node files, checked before anything is made -----------------------------------------
"$JAVA" -cp "$CP" dev.chora.examples.node.NamespaceGroupFiles --dir "$LOGS" --hosts "$HOSTS" --port "$PORT" \
  --load-host "$SUBNET.10" --transport "$TRANSPORT" --storage "$STORAGE" --data-root "$DATA" \
  ${AERON_DIRS[0]+--aeron-dirs "$(IFS=,; echo "${AERON_DIRS[*]}")"} "${NODE_CONF[@]+"${NODE_CONF[@]}"}" \
  || exit $?

cleanup() {
  local code=$? p w alive
  trap - EXIT INT TERM
  # Replicas first (SIGTERM: chora node leaves the cluster), then the drivers they use.
  for p in "${NODE_PIDS[@]+"${NODE_PIDS[@]}"}"; do kill "$p" 2>/dev/null || true; done
  for w in $(seq 1 40); do
    alive=0; for p in "${NODE_PIDS[@]+"${NODE_PIDS[@]}"}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [[ $alive == 0 ]] && break; sleep 0.25
  done
  for p in "${NODE_PIDS[@]+"${NODE_PIDS[@]}"}"; do kill -9 "$p" 2>/dev/null || true; done
  for p in "${DRIVER_PIDS[@]+"${DRIVER_PIDS[@]}"}"; do kill "$p" 2>/dev/null || true; done
  for w in $(seq 1 20); do
    alive=0; for p in "${DRIVER_PIDS[@]+"${DRIVER_PIDS[@]}"}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [[ $alive == 0 ]] && break; sleep 0.25
  done
  for p in "${EMU_PIDS[@]+"${EMU_PIDS[@]}"}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  remove_namespaces
  rm -rf "$DATA"
  echo "netns-bench: cleaned up (JVMs stopped, namespaces deleted); logs in $LOGS" >&2
  exit $code
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the network --------------------------------------------------------------------------------
host_ip() { if [[ "$1" == "$NS_LOAD" ]]; then echo "$SUBNET.10"; else echo "$SUBNET.$(( ${1#${NS_PREFIX}r} + 1 ))"; fi; }
to_ns() { awk -v t="$1" 'BEGIN { m = t + 0; u = t; sub(/^[0-9.]+/, "", u); f = u == "s" ? 1e9 : u == "ms" ? 1e6 : u == "us" ? 1e3 : 0; printf "%.0f", m * f }'; }
ip netns add "$NS_NET"
ip -n "$NS_NET" link set lo up
if [[ "$EMULATOR" == userspace ]]; then
  gcc -O2 -Wall -o "$LOGS/netns-delay" "$ROOT/bench/netns-delay.c" || die "could not build bench/netns-delay.c"
  relay_args=(); for ns in "${MEMBERS[@]}"; do relay_args+=("ct-${ns#${NS_PREFIX}}=$(host_ip "$ns")"); done
  # Real-time priority (where chrt is): netem delays in the kernel's timer interrupt, ahead of any
  # thread; a relay queued behind busy JVMs would add their scheduling delay to every packet.
  rt=(); command -v chrt >/dev/null && rt=(chrt -f 10)
  setsid ip netns exec "$NS_NET" "${rt[@]+"${rt[@]}"}" "$LOGS/netns-delay" "$([[ "$DELAY" == 0 ]] && echo 0 || to_ns "$DELAY")" "${relay_args[@]}" \
    >"$LOGS/netns-delay.log" 2>&1 &
  EMU_PIDS+=($!)
  for w in $(seq 1 50); do grep -qs ready "$LOGS/netns-delay.log" && break; sleep 0.1; done
  grep -q ready "$LOGS/netns-delay.log" || die "netns-delay did not start: $(cat "$LOGS/netns-delay.log")"
fi
if [[ "$EMULATOR" == netem ]]; then
  ip -n "$NS_NET" link add br0 type bridge
  ip -n "$NS_NET" link set br0 mtu "$MTU"
  ip -n "$NS_NET" link set br0 up
fi
for ns in "${MEMBERS[@]}"; do
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  if [[ "$EMULATOR" == userspace ]]; then
    dev="ct-${ns#${NS_PREFIX}}"
    ip -n "$NS_NET" link set "$dev" netns "$ns"
  else
    dev=eth0; port="v-${ns#${NS_PREFIX}}"
    ip -n "$NS_NET" link add "$port" mtu "$MTU" type veth peer name eth0 netns "$ns"
    ip -n "$NS_NET" link set "$port" master br0 up
  fi
  ip -n "$ns" link set "$dev" mtu "$MTU"
  ip -n "$ns" addr add "$(host_ip "$ns")/24" dev "$dev"
  ip -n "$ns" link set "$dev" up
  if [[ "$EMULATOR" == netem && "$DELAY" != 0 ]]; then
    netem=(delay "$DELAY")
    [[ "$JITTER" != 0 ]] && netem+=("$JITTER" distribution normal)
    if ! err="$(ip netns exec "$ns" tc qdisc add dev eth0 root netem "${netem[@]}" 2>&1)"; then
      die "netem is not available here (tc: $err): the kernel needs CONFIG_NET_SCH_NETEM (sch_netem module). Use --emulator userspace (a userspace relay: its own latency and CPU come on top), or --delay 0 to measure the namespaces without added delay"
    fi
  fi
done
echo "netns-bench: namespaces $(all_ns | tr '\n' ' ')linked by $([[ $EMULATOR == netem ]] && echo "bridge br0" || echo "the netns-delay relay") in $NS_NET; replicas $HOSTS, load $SUBNET.10;" \
  "one-way delay $DELAY$([[ $JITTER != 0 ]] && echo " jitter $JITTER") by $EMULATOR, link MTU $MTU"
if command -v python3 >/dev/null; then
  ip netns exec "$(replica_ns 1)" python3 "$ROOT/bench/netns-rtt.py" server "$SUBNET.2" & rtt_server=$!
  sleep 0.5
  echo "netns-bench: UDP round trip replica 0 -> replica 1, before the JVMs start:" \
    "$(ip netns exec "$(replica_ns 0)" python3 "$ROOT/bench/netns-rtt.py" client "$SUBNET.2" 500 || echo failed)"
  kill $rtt_server 2>/dev/null || true; wait $rtt_server 2>/dev/null || true
fi

# --- media drivers (aeron-shared: one per namespace, as one per host) ---------------------------------
if [[ "$TRANSPORT" == aeron-shared ]]; then
  for ns in "${MEMBERS[@]}"; do
    dir="/dev/shm/chora-netns-aeron-${ns#${NS_PREFIX}}"
    # The settings of dev.chora.transport.launch.MediaDriverProcess.start, with the MTU of the links.
    setsid ip netns exec "$ns" "${JAVA_BASE[@]}" -XX:+UseSerialGC -Xms16m -Xmx128m \
      -Daeron.dir="$dir" -Daeron.dir.delete.on.start=true -Daeron.dir.delete.on.shutdown=true \
      -Daeron.threading.mode=SHARED -Daeron.shared.idle.strategy=dev.chora.transport.launch.DriverIdleStrategy \
      -Dchora.aeron.shared-idle=10,20,1000,1000000 -Daeron.client.liveness.timeout=10000000000 \
      -Daeron.image.liveness.timeout=10000000000 -Daeron.publication.unblock.timeout=11000000000 \
      -Daeron.term.buffer.sparse.file=true -Daeron.mtu.length="$DRIVER_MTU" \
      $WATCHED io.aeron.driver.MediaDriver >"$LOGS/driver-${ns#${NS_PREFIX}}.log" 2>&1 &
    DRIVER_PIDS+=($!)
  done
  for dir in "${AERON_DIRS[@]}"; do
    for w in $(seq 1 150); do [[ -f "$dir/cnc.dat" ]] && break; sleep 0.2; done
    [[ -f "$dir/cnc.dat" ]] || die "a media driver did not start within 30 s: see $LOGS/driver-*.log"
  done
  echo "netns-bench: one Aeron media driver per namespace (MTU $DRIVER_MTU bytes), pids ${DRIVER_PIDS[*]}"
fi

# --- replicas --------------------------------------------------------------------------------------
for ((i = 0; i < REPLICAS; i++)); do
  # The JVM options of LocalCluster's replicas, so that only the network differs from chora bench.
  setsid ip netns exec "$(replica_ns "$i")" "${JAVA_BASE[@]}" -Xms1g -Xmx2g -XX:+UseG1GC -XX:MetaspaceSize=128m \
    -Xlog:gc:file="$LOGS/replica-$i.gc.log" $WATCHED dev.chora.examples.cli.ChoraCli node \
    --config "$LOGS/replica-$i.conf" >"$LOGS/replica-$i.log" 2>&1 &
  NODE_PIDS+=($!)
done
for ((i = 0; i < REPLICAS; i++)); do
  for w in $(seq 1 600); do
    grep -q "chora node: replica $i ready" "$LOGS/replica-$i.log" && break
    kill -0 "${NODE_PIDS[$i]}" 2>/dev/null || { tail -n 20 "$LOGS/replica-$i.log" >&2; die "replica $i exited during start-up"; }
    sleep 0.2
  done
  grep -q "chora node: replica $i ready" "$LOGS/replica-$i.log" || die "replica $i not ready within 120 s: see $LOGS/replica-$i.log"
done
echo "netns-bench: replicas ready, pids ${NODE_PIDS[*]}; node files and logs in $LOGS"

# --- the bench, from the load namespace ------------------------------------------------------------------------
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
MEASURED=("${NODE_PIDS[@]}" "${DRIVER_PIDS[@]+"${DRIVER_PIDS[@]}"}" "${EMU_PIDS[@]+"${EMU_PIDS[@]}"}")
BEFORE=(); for p in "${MEASURED[@]}"; do BEFORE+=("$(cpu_ticks "$p")"); done
START_NS=$(date +%s%N)
set +e
ip netns exec "$NS_LOAD" "${JAVA_BASE[@]}" ${CHORA_JAVA_OPTS:-} $WATCHED dev.chora.examples.cli.ChoraCli bench \
  --cluster "$LOGS/load.conf" --out "$OUT" "${BENCH_ARGS[@]+"${BENCH_ARGS[@]}"}"
BENCH_CODE=$?
set -e
ELAPSED_S=$(awk -v a="$START_NS" -v b="$(date +%s%N)" 'BEGIN {print (b - a) / 1e9}')
HZ=$(getconf CLK_TCK)
line="netns-bench: CPU over the whole bench (warm-up and levels, ${ELAPSED_S%.*} s), % of a core:"
names=(); for ((i = 0; i < REPLICAS; i++)); do names+=("replica-$i"); done
for ns in "${MEMBERS[@]}"; do [[ ${#DRIVER_PIDS[@]} -gt 0 ]] && names+=("driver-${ns#${NS_PREFIX}}"); done
[[ ${#EMU_PIDS[@]} -gt 0 ]] && names+=("netns-delay")
for k in "${!MEASURED[@]}"; do
  line+=" ${names[$k]} $(awk -v a="${BEFORE[$k]}" -v b="$(cpu_ticks "${MEASURED[$k]}")" -v hz="$HZ" -v s="$ELAPSED_S" \
    'BEGIN {printf "%.0f%%", (b - a) / hz / s * 100}')"
done
echo "$line"
exit $BENCH_CODE
