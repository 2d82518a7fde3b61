#!/usr/bin/env bash
# Cycles per minute under the live stack's portfolio publisher (DESIGN section 22, issue 39): the service under the
# systemd unit's JVM flags, N symbols seeded in a Redis, and a publisher rewriting quantum:state:portfolio every 5 s
# (PSP_INTERVAL_SEC=5) with the equity drifting and the drawdown inside one zone; prints the cycles the cycle stream
# recorded over the window, per trigger, and per minute. docs/performance.md has the results.
#
#   allocation-runner/scripts/publisher-cycles.sh JAR [--symbols 1000] [--seconds 120] [--redis-port 6390]
#
# Needs a redis-server on --redis-port that may be flushed, redis-cli and awk.
set -u
JAR=${1:?usage: publisher-cycles.sh JAR [options]}; shift
N=1000; SECS=120; RP=6390
while [ $# -gt 0 ]; do
  case "$1" in
    --symbols) N=$2; shift 2 ;; --seconds) SECS=$2; shift 2 ;; --redis-port) RP=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
OUT=$(mktemp -d)

redis-cli -p "$RP" flushall > /dev/null || { echo "no Redis on port $RP" >&2; exit 2; }
ts=$(date +%s); k=$((N / 20)); [ $k -lt 1 ] && k=1
{
  echo "HSET quantum:state:portfolio equity_usd 25000000 drawdown 0.07 timestamp $ts"
  for ((c = 0; c < k; c++)); do echo "HSET quantum:cluster:stress:c$c stress 0.2 alpha 0.3 timestamp $ts"; done
  for ((i = 0; i < N; i++)); do echo "HSET quantum:portfolio:budget:S$i budget_usd $((1000 + i % 977)) timestamp $ts cluster_id c$((i % k))"; done
  echo "XADD quantum:stream:regime.state MAXLEN ~ 100 * regime TREND confidence 0.8 timestamp $ts"
} | redis-cli -p "$RP" > /dev/null
P29_MODE=enforce REDIS_PORT=$RP P29_METRICS_PORT=0 STALE_DATA_SEC=3600 P29_INTERVAL_SEC=5 \
  java -Xms64m -Xmx320m -XX:+UseG1GC -jar "$JAR" run > "$OUT/service.log" 2>&1 &
PID=$!
for _ in $(seq 1 120); do grep -q "Allocation cycle complete: $N targets" "$OUT/service.log" && break; sleep 0.5; done
sleep 6
FROM=$(redis-cli -p "$RP" time | head -1)
END=$(($(date +%s) + SECS)); n=0
while [ "$(date +%s)" -lt $END ]; do # the publisher: every 5 s, equity drifting, drawdown 7-8 % (MID throughout)
  redis-cli -p "$RP" HSET quantum:state:portfolio equity_usd $((25000000 + 1000 * n)) drawdown 0.0$((7 + n % 2)) \
    timestamp "$(date +%s)" > /dev/null
  n=$((n + 1)); sleep 5
done
TO=$(redis-cli -p "$RP" time | head -1)
kill $PID; wait $PID 2>/dev/null
redis-cli -p "$RP" --raw XRANGE quantum:stream:allocation.cycle "$((FROM * 1000))" "$((TO * 1000))" \
  | awk -v s=$((TO - FROM)) -v w=$n '/^trigger$/ {getline t; c[t]++; all++}
    END {printf "window=%ds publisher_writes=%d cycles=%d per_minute=%.1f", s, w, all, all * 60 / s;
         for (t in c) printf " %s=%d", t, c[t]; printf "\n"}'
