#!/usr/bin/env bash
# Proof for P2.9 Capital Allocation Brain, runnable against any running instance.
#
#   deploy/proof_p29_allocation.sh [--url http://localhost:8059] [--redis-host H] [--redis-port P]
#                                  [--redis-db N] [--redis-password PW] [--wait SECONDS]
#
# Checks: metrics present; passes incrementing (shadow: p29_shadow_pass_total, enforce:
# p29_enforce_overrides_total); the decision stream carries target_usd and regime_factor; inputs
# fresh; every confidence in [0, 1]; in enforce mode a target hash TTL in (0, 300].
# Prints one PASS/FAIL line per check, then SUMMARY: PASS (exit 0) or SUMMARY: FAIL (exit 1).
# Needs bash, curl, awk and redis-cli. REDISCLI_AUTH is honoured by redis-cli for passwords.
set -u

URL="http://localhost:8059"
RHOST="${REDIS_HOST:-localhost}"; RPORT="${REDIS_PORT:-6379}"; RDB="${REDIS_DB:-0}"
WAIT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --url) URL="$2"; shift 2 ;;
    --redis-host) RHOST="$2"; shift 2 ;;
    --redis-port) RPORT="$2"; shift 2 ;;
    --redis-db) RDB="$2"; shift 2 ;;
    --redis-password) export REDISCLI_AUTH="$2"; shift 2 ;;
    --wait) WAIT="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

FAILS=0
pass() { echo "PASS  $1"; }
fail() { echo "FAIL  $1"; FAILS=$((FAILS + 1)); }
rcli() { redis-cli --no-auth-warning -h "$RHOST" -p "$RPORT" -n "$RDB" "$@"; }
metric_sum() { awk -v n="$1" '$1 ~ "^"n"({|$)" { s += $NF; found = 1 } END { if (found) printf "%.6f\n", s; else print "absent" }'; }

for tool in curl redis-cli awk; do
  command -v "$tool" >/dev/null || { echo "FAIL  $tool is not installed"; echo "SUMMARY: FAIL"; exit 1; }
done

# 1. Metrics endpoint and every metric of the service document.
M1=$(curl -fsS --max-time 5 "$URL/metrics") || { fail "metrics endpoint $URL/metrics answers"; echo "SUMMARY: FAIL"; exit 1; }
pass "metrics endpoint $URL/metrics answers"
for name in p29_targets_computed_total p29_shadow_pass_total p29_enforce_overrides_total p29_stale_fallback_total \
            p29_allocation_confidence p29_target_usd p29_regime_factor p29_cluster_factor p29_drawdown_factor \
            p29_loop_duration_seconds; do
  if printf '%s\n' "$M1" | grep -q "^# TYPE $name "; then pass "metric $name present"; else fail "metric $name present"; fi
done

# Mode and interval from the last decision (the stream is written in both modes).
LAST=$(rcli XREVRANGE quantum:stream:allocation.decision + - COUNT 1)
field() { printf '%s\n' "$LAST" | awk -v k="$1" 'prev == k { print; exit } { prev = $0 }'; }
MODE=$(field mode)
[ -n "$MODE" ] || MODE=shadow
INTERVAL="${WAIT:-6}"

# 2. Passes incrementing.
if [ "$MODE" = "enforce" ]; then COUNTER=p29_enforce_overrides_total; else COUNTER=p29_shadow_pass_total; fi
A=$(printf '%s\n' "$M1" | metric_sum "$COUNTER")
sleep "$INTERVAL"
M2=$(curl -fsS --max-time 5 "$URL/metrics")
B=$(printf '%s\n' "$M2" | metric_sum "$COUNTER")
if [ "$A" != absent ] && [ "$B" != absent ] && awk -v a="$A" -v b="$B" 'BEGIN { exit !(b > a) }'; then
  pass "$MODE passes incrementing ($COUNTER $A -> $B in ${INTERVAL}s)"
else
  fail "$MODE passes incrementing ($COUNTER $A -> $B in ${INTERVAL}s)"
fi

# 3. Decision stream carries target_usd and regime_factor.
LAST=$(rcli XREVRANGE quantum:stream:allocation.decision + - COUNT 1)
if [ -n "$(field target_usd)" ] && [ -n "$(field regime_factor)" ]; then
  pass "decision stream carries target_usd=$(field target_usd) regime_factor=$(field regime_factor)"
else
  fail "decision stream carries target_usd and regime_factor"
fi

# 4. Fresh inputs: the portfolio state and the last decision are younger than STALE_DATA_SEC (60 s).
NOW=$(date +%s)
PTS=$(rcli HGET quantum:state:portfolio timestamp); [ -n "$PTS" ] || PTS=$(rcli HGET quantum:state:portfolio ts_utc)
PAGE=$(awk -v n="$NOW" -v t="${PTS:-0}" 'BEGIN { if (t > 1e11) t /= 1000; printf "%d", n - t }')
if [ -n "$PTS" ] && [ "$PAGE" -le 60 ]; then pass "portfolio state fresh (${PAGE}s old)"; else fail "portfolio state fresh (timestamp '${PTS}', ${PAGE}s old)"; fi
DTS=$(field timestamp)
if [ -n "$DTS" ] && [ $((NOW - DTS)) -le 60 ]; then pass "last decision fresh ($((NOW - DTS))s old)"; else fail "last decision fresh (timestamp '$DTS')"; fi
LS=$(printf '%s\n' "$M2" | metric_sum p29_last_success_timestamp_seconds)
if [ "$LS" != absent ] && awk -v n="$NOW" -v t="$LS" 'BEGIN { exit !(n - t <= 60) }'; then pass "last computed cycle fresh"; else fail "last computed cycle fresh (p29_last_success_timestamp_seconds=$LS)"; fi

# 5. Confidence in [0, 1].
BAD=$(printf '%s\n' "$M2" | awk '$1 ~ /^p29_allocation_confidence\{/ && ($NF < 0 || $NF > 1) { print $1 }')
COUNT=$(printf '%s\n' "$M2" | grep -c '^p29_allocation_confidence{')
if [ "$COUNT" -gt 0 ] && [ -z "$BAD" ]; then pass "confidence in [0, 1] for $COUNT symbols"; else fail "confidence in [0, 1] ($COUNT symbols; out of range: $BAD)"; fi

# 6. Enforce: a target hash with TTL in (0, 300].
if [ "$MODE" = "enforce" ]; then
  SYM=$(field symbol)
  TTL=$(rcli TTL "quantum:allocation:target:$SYM")
  if [ -n "$TTL" ] && [ "$TTL" -gt 0 ] && [ "$TTL" -le 300 ]; then pass "target TTL of $SYM in (0, 300]: $TTL"; else fail "target TTL of $SYM in (0, 300]: '$TTL'"; fi
else
  pass "shadow mode: no target TTL to check"
fi

if [ "$FAILS" -eq 0 ]; then echo "SUMMARY: PASS"; exit 0; else echo "SUMMARY: FAIL ($FAILS checks)"; exit 1; fi
