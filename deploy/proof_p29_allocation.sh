#!/usr/bin/env bash
# Proof for P2.9 Capital Allocation Brain, runnable against any running instance.
#
#   deploy/proof_p29_allocation.sh [--env-file FILE] [--url http://localhost:8059] [--redis-host H]
#                                  [--redis-port P] [--redis-db N] [--redis-password PW] [--wait SECONDS]
#
# Checks: Redis reachable; metrics present; passes incrementing (shadow: p29_shadow_pass_total,
# enforce and reduce: p29_enforce_overrides_total; the mode is the last cycle entry's); the decision
# stream carries target_usd and regime_factor; the portfolio and the last cycle entry fresh (younger
# than STALE_DATA_SEC); every confidence in [0, 1]; in enforce or reduce mode a target hash TTL in
# (0, TARGET_TTL_SEC].
# STALE_DATA_SEC, TARGET_TTL_SEC, REDIS_HOST/PORT/DB/PASSWORD and P29_METRICS_PORT come from
# --env-file (the service's, e.g. /etc/quantum/capital-allocation.env), else from the environment,
# else the service's defaults (60, 300, localhost, 6379, 0, 8059); the options win over both.
# Prints one PASS/FAIL line per check, then SUMMARY: PASS (exit 0) or SUMMARY: FAIL (exit 1);
# exit 2 on a usage error. Needs bash, curl, awk and redis-cli (Debian: redis-tools).
set -u

usage() { awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; }

# The last assignment of $1 in the env file $2, unquoted (the scalar values this script reads).
env_value() {
  awk -v k="$1" '
    /^[[:space:]]*[#;]/ { next }
    { line = $0; sub(/^[[:space:]]+/, "", line) }
    index(line, k "=") == 1 || line ~ "^" k "[[:space:]]*=" {
      v = substr(line, index(line, "=") + 1); gsub(/^[[:space:]]+|[[:space:]]+$/, "", v)
      if (v ~ /^".*"$/ || v ~ /^\047.*\047$/) v = substr(v, 2, length(v) - 2)
      val = v; found = 1
    }
    END { if (found) print val }' "$2"
}

ENV_FILE=""; URL=""; RHOST=""; RPORT=""; RDB=""; WAIT=""; PASSWORD=""
while [ $# -gt 0 ]; do
  case "$1" in
    --env-file|--url|--redis-host|--redis-port|--redis-db|--redis-password|--wait)
      [ $# -ge 2 ] || { echo "$1: needs a value" >&2; exit 2; } ;;
  esac
  case "$1" in
    --env-file) ENV_FILE="$2"; shift 2 ;;
    --url) URL="$2"; shift 2 ;;
    --redis-host) RHOST="$2"; shift 2 ;;
    --redis-port) RPORT="$2"; shift 2 ;;
    --redis-db) RDB="$2"; shift 2 ;;
    --redis-password) PASSWORD="$2"; shift 2 ;;
    --wait) WAIT="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

# Settings: option, else env file, else environment, else the service's default.
setting() { # name default [option value]
  local v="${3:-}"
  if [ -z "$v" ] && [ -n "$ENV_FILE" ]; then v=$(env_value "$1" "$ENV_FILE"); fi
  if [ -z "$v" ]; then v="${!1:-}"; fi
  printf '%s' "${v:-$2}"
}
if [ -n "$ENV_FILE" ] && [ ! -r "$ENV_FILE" ]; then echo "--env-file: cannot read $ENV_FILE" >&2; exit 2; fi
STALE=$(setting STALE_DATA_SEC 60)
TTL_MAX=$(setting TARGET_TTL_SEC 300)
RHOST=$(setting REDIS_HOST localhost "$RHOST")
RPORT=$(setting REDIS_PORT 6379 "$RPORT")
RDB=$(setting REDIS_DB 0 "$RDB")
PASSWORD=$(setting REDIS_PASSWORD "" "$PASSWORD")
[ -z "$PASSWORD" ] || export REDISCLI_AUTH="$PASSWORD"
[ -n "$URL" ] || URL="http://localhost:$(setting P29_METRICS_PORT 8059)"
for n in STALE TTL_MAX RPORT RDB; do
  case "${!n}" in ''|*[!0-9]*) echo "not a whole number: $n='${!n}' (from --env-file, the environment or an option)" >&2; exit 2 ;; esac
done

FAILS=0
pass() { echo "PASS  $1"; }
fail() { echo "FAIL  $1"; FAILS=$((FAILS + 1)); }
rcli() { redis-cli --no-auth-warning -h "$RHOST" -p "$RPORT" -n "$RDB" "$@"; }
metric_sum() { awk -v n="$1" '$1 ~ "^"n"({|$)" { s += $NF; found = 1 } END { if (found) printf "%.6f\n", s; else print "absent" }'; }

for tool in curl redis-cli awk; do
  command -v "$tool" >/dev/null || { echo "FAIL  $tool is not installed"; echo "SUMMARY: FAIL"; exit 1; }
done

# 0. Redis answers: without it nothing below means anything (a shadow mode would "pass").
PONG=$(rcli PING 2>&1)
if [ "$PONG" = "PONG" ]; then
  pass "Redis reachable at $RHOST:$RPORT/$RDB"
else
  fail "Redis unreachable at $RHOST:$RPORT/$RDB: $(printf '%s' "$PONG" | head -1)"; echo "SUMMARY: FAIL"; exit 1
fi

# 1. Metrics endpoint and every metric of the service document.
M1=$(curl -fsS --max-time 5 "$URL/metrics") || { fail "metrics endpoint $URL/metrics answers"; echo "SUMMARY: FAIL"; exit 1; }
pass "metrics endpoint $URL/metrics answers"
for name in p29_targets_computed_total p29_shadow_pass_total p29_enforce_overrides_total p29_stale_fallback_total \
            p29_allocation_confidence p29_target_usd p29_regime_factor p29_cluster_factor p29_drawdown_factor \
            p29_loop_duration_seconds; do
  if printf '%s\n' "$M1" | grep -q "^# TYPE $name "; then pass "metric $name present"; else fail "metric $name present"; fi
done

# Mode from the last cycle entry (one per cycle, both modes; the decision stream records only changes).
CYCLE=$(rcli XREVRANGE quantum:stream:allocation.cycle + - COUNT 1)
cfield() { printf '%s\n' "$CYCLE" | awk -v k="$1" 'prev == k { print; exit } { prev = $0 }'; }
MODE=$(cfield mode)
[ -n "$MODE" ] || MODE=shadow
INTERVAL="${WAIT:-6}"

# 2. Passes incrementing (reduce writes targets as enforce does).
if [ "$MODE" = "enforce" ] || [ "$MODE" = "reduce" ]; then COUNTER=p29_enforce_overrides_total; else COUNTER=p29_shadow_pass_total; fi
A=$(printf '%s\n' "$M1" | metric_sum "$COUNTER")
sleep "$INTERVAL"
M2=$(curl -fsS --max-time 5 "$URL/metrics")
B=$(printf '%s\n' "$M2" | metric_sum "$COUNTER")
if [ "$A" != absent ] && [ "$B" != absent ] && awk -v a="$A" -v b="$B" 'BEGIN { exit !(b > a) }'; then
  pass "$MODE passes incrementing ($COUNTER $A -> $B in ${INTERVAL}s)"
else
  fail "$MODE passes incrementing ($COUNTER $A -> $B in ${INTERVAL}s)"
fi

# 3. Decision stream carries target_usd and regime_factor (the newest of the last 20 entries that has them:
#    an entry for a removed target has neither).
LAST=$(rcli XREVRANGE quantum:stream:allocation.decision + - COUNT 20)
field() { printf '%s\n' "$LAST" | awk -v k="$1" 'prev == k { print; exit } { prev = $0 }'; }
if [ -n "$(field target_usd)" ] && [ -n "$(field regime_factor)" ]; then
  pass "decision stream carries target_usd=$(field target_usd) regime_factor=$(field regime_factor)"
else
  fail "decision stream carries target_usd and regime_factor"
fi

# 4. Fresh inputs: the portfolio state and the last cycle entry are younger than STALE_DATA_SEC.
NOW=$(date +%s)
PTS=$(rcli HGET quantum:state:portfolio timestamp); [ -n "$PTS" ] || PTS=$(rcli HGET quantum:state:portfolio ts_utc)
PAGE=$(awk -v n="$NOW" -v t="${PTS:-0}" 'BEGIN { if (t > 1e11) t /= 1000; printf "%d", n - t }')
if [ -n "$PTS" ] && [ "$PAGE" -le "$STALE" ]; then pass "portfolio state fresh (${PAGE}s old, limit ${STALE}s)"; else fail "portfolio state fresh (timestamp '${PTS}', ${PAGE}s old, limit ${STALE}s)"; fi
DTS=$(cfield ts)
case "$DTS" in ''|*[!0-9]*) DAGE=-1 ;; *) DAGE=$((NOW - DTS)) ;; esac
if [ "$DAGE" -ge 0 ] && [ "$DAGE" -le "$STALE" ]; then pass "last cycle entry fresh (${DAGE}s old)"; else fail "last cycle entry fresh (ts '$DTS', limit ${STALE}s)"; fi
LS=$(printf '%s\n' "$M2" | metric_sum p29_last_success_timestamp_seconds)
if [ "$LS" != absent ] && awk -v n="$NOW" -v t="$LS" -v s="$STALE" 'BEGIN { exit !(n - t <= s) }'; then pass "last computed cycle fresh"; else fail "last computed cycle fresh (p29_last_success_timestamp_seconds=$LS)"; fi

# 5. Confidence in [0, 1].
BAD=$(printf '%s\n' "$M2" | awk '$1 ~ /^p29_allocation_confidence\{/ && ($NF < 0 || $NF > 1) { print $1 }')
COUNT=$(printf '%s\n' "$M2" | grep -c '^p29_allocation_confidence{')
if [ "$COUNT" -gt 0 ] && [ -z "$BAD" ]; then pass "confidence in [0, 1] for $COUNT symbols"; else fail "confidence in [0, 1] ($COUNT symbols; out of range: $BAD)"; fi

# 6. Enforce or reduce: a target hash of this service with TTL in (0, TARGET_TTL_SEC].
if [ "$MODE" = "enforce" ] || [ "$MODE" = "reduce" ]; then
  SYM=$(rcli --scan --pattern 'quantum:allocation:target:*' | grep -v ':proposed:' | head -1 | sed 's/^quantum:allocation:target://')
  TTL=$(rcli TTL "quantum:allocation:target:$SYM")
  if [ -n "$TTL" ] && [ "$TTL" -gt 0 ] && [ "$TTL" -le "$TTL_MAX" ]; then pass "target TTL of $SYM in (0, $TTL_MAX]: $TTL"; else fail "target TTL of $SYM in (0, $TTL_MAX]: '$TTL'"; fi
else
  pass "shadow mode: no target TTL to check"
fi

if [ "$FAILS" -eq 0 ]; then echo "SUMMARY: PASS"; exit 0; else echo "SUMMARY: FAIL ($FAILS checks)"; exit 1; fi
