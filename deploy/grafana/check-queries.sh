#!/usr/bin/env bash
# Parses every PromQL query of the Grafana dashboard with Prometheus's own parser (promtool), as
# recording rules in a temporary file; Grafana's interval variables are replaced by fixed ranges.
#   deploy/grafana/check-queries.sh            exit 0: every query parses; 1: one does not (promtool says which)
set -euo pipefail
cd "$(dirname "$0")"
rules=$(mktemp --suffix=.yml)
trap 'rm -f "$rules"' EXIT
python3 - capital-allocation.json "$rules" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
exprs = [t["expr"] for p in d["panels"] for t in p.get("targets", []) if "expr" in t]
with open(sys.argv[2], "w") as f:
    f.write("groups:\n  - name: dashboard\n    rules:\n")
    for i, e in enumerate(exprs):
        e = e.replace("$__rate_interval", "5m").replace("$__interval", "1m").replace("$__range", "1h")
        f.write("      - record: dashboard:query%d\n        expr: %s\n" % (i, json.dumps(e)))
PY
promtool check rules "$rules"
