#!/usr/bin/env bash
# Scrape load: the service under the systemd unit's JVM flags, N symbols seeded in a Redis, and S
# clients scraping /metrics back to back for a while; prints whether it lived, the scrapes, the
# cycles (count, overruns, mean duration) and the GC counts. docs/performance.md has the results.
#
#   allocation-runner/scripts/scrape-load.sh JAR [--symbols 10000] [--scrapers 16] [--seconds 60]
#                                            [--gzip] [--redis-port 6390] [--metrics-port 18059]
#
# Needs a redis-server on --redis-port that may be flushed (e.g. redis-server --port 6390
# --save '' --daemonize yes), redis-cli, curl and awk. Inputs are re-seeded every 15 s so cycles
# keep computing.
set -u
JAR=${1:?usage: scrape-load.sh JAR [options]}; shift
N=10000; S=16; SECS=60; GZ=""; RP=6390; MP=18059
while [ $# -gt 0 ]; do
  case "$1" in
    --symbols) N=$2; shift 2 ;; --scrapers) S=$2; shift 2 ;; --seconds) SECS=$2; shift 2 ;;
    --gzip) GZ=--compressed; shift ;; --redis-port) RP=$2; shift 2 ;; --metrics-port) MP=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
OUT=$(mktemp -d)

seed() { # portfolio, N budgets in N/20 clusters with stress, a regime entry; fresh timestamps
  local ts k; ts=$(date +%s); k=$((N / 20)); [ $k -lt 1 ] && k=1
  {
    echo "HSET quantum:state:portfolio equity_usd 250000000 drawdown 0.06 timestamp $ts"
    for ((c = 0; c < k; c++)); do echo "HSET quantum:cluster:stress:c$c stress 0.2 alpha 0.3 timestamp $ts"; done
    for ((i = 0; i < N; i++)); do echo "HSET quantum:portfolio:budget:S$i budget_usd $((1000 + i % 977)) timestamp $ts cluster_id c$((i % k))"; done
    echo "XADD quantum:stream:regime.state MAXLEN ~ 100 * regime TREND confidence 0.8 timestamp $ts"
  } | redis-cli -p "$RP" > /dev/null
}

redis-cli -p "$RP" flushall > /dev/null || { echo "no Redis on port $RP" >&2; exit 2; }
seed
MALLOC_ARENA_MAX=2 P29_MODE=enforce REDIS_PORT=$RP P29_METRICS_PORT=$MP P29_METRICS_BIND=127.0.0.1 \
  java -Xms128m -Xmx128m -Xmn40m -XX:SurvivorRatio=4 -Xss512k -XX:+UseSerialGC -XX:MaxMetaspaceSize=64m \
  -XX:ReservedCodeCacheSize=32m -XX:MaxDirectMemorySize=16m -XX:+ExitOnOutOfMemoryError \
  -Xlog:gc:file="$OUT/gc.log" -jar "$JAR" run > "$OUT/service.log" 2>&1 &
PID=$!
for _ in $(seq 1 120); do grep -q "Allocation cycle complete: $N targets" "$OUT/service.log" && break; sleep 0.5; done
( while kill -0 $PID 2>/dev/null; do sleep 15; seed; done ) & SEEDER=$!

END=$(($(date +%s) + SECS)); SCRAPERS=()
for k in $(seq 1 "$S"); do
  ( while [ "$(date +%s)" -lt $END ]; do
      curl -s $GZ -o /dev/null -w '%{http_code} %{size_download} %{time_total}\n' --max-time 20 "http://127.0.0.1:$MP/metrics" >> "$OUT/scrapes"
    done ) & SCRAPERS+=($!)
done
[ "$S" -gt 0 ] && wait "${SCRAPERS[@]}" || sleep "$SECS"
sleep 2

ALIVE=no; kill -0 $PID 2>/dev/null && ALIVE=yes
echo "symbols=$N scrapers=$S seconds=$SECS gzip=${GZ:+yes} alive=$ALIVE rss_kb=$(ps -o rss= -p $PID 2>/dev/null | tr -d ' ')"
[ -s "$OUT/scrapes" ] && awk '{n++; if ($1 != 200) bad++; s += $2; t += $3; if ($3 > mx) mx = $3}
  END {printf "scrapes=%d non200=%d mean_bytes=%.0f mean_s=%.3f max_s=%.3f\n", n, bad, s / n, t / n, mx}' "$OUT/scrapes"
curl -s "http://127.0.0.1:$MP/metrics" | awk '/^p29_cycles_total\{outcome="computed"/ {c = $2} /^p29_cycle_overruns_total / {o = $2}
  /^p29_loop_duration_seconds_sum / {s = $2} /^p29_loop_duration_seconds_count / {n = $2}
  END {if (n) printf "cycles computed=%d overruns=%d mean_cycle_s=%.3f\n", c, o, s / n}'
echo "full GCs: $(grep -c 'Pause Full' "$OUT/gc.log")  young GCs: $(grep -c 'Pause Young' "$OUT/gc.log")"
grep -m1 OutOfMemoryError "$OUT/service.log"
kill $SEEDER $PID 2>/dev/null; wait $PID 2>/dev/null
echo "logs: $OUT"
