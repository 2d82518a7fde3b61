package com.quantumtrader.allocation.runner.config;

import java.util.Map;
import java.util.Optional;

/**
 * Every variable the service reads, declared once: its name (the constant's), its default, what is allowed
 * and what it means, as the tables of {@code docs/configuration.md} show them (a test holds the two equal,
 * row for row). {@link Config#fromEnv} reads each through here, the list of known names ({@link Config#KNOWN},
 * the typo check) is this enum, and {@code check-config} prints each one's value.
 */
public enum Variable {
    P29_MODE(Table.SERVICE_DOCUMENT,
            "`shadow`",
            "`shadow`, `enforce` (any case)",
            "shadow: compute and stream decisions only; enforce: also write target hashes. The permanent"
            + " setting: a valid control hash (`control set enforce|reduce|shadow`, `operations.md`) overrides it"
            + " at run time until `control clear`; reduce exists only there"),
    P29_INTERVAL_SEC(Table.SERVICE_DOCUMENT,
            "`5`",
            "whole number in [1, 3600]",
            "seconds between cycle starts (fixed grid, cycles never overlap)"),
    P29_METRICS_PORT(Table.SERVICE_DOCUMENT,
            "`8059`",
            "[0, 65535]; 0 picks a free port",
            "port of `/metrics`, `/healthz`, `/readyz`"),
    MAX_SYMBOL_PCT(Table.SERVICE_DOCUMENT,
            "`0.40`",
            "(0, 1]",
            "per-symbol cap, fraction of equity"),
    MAX_CLUSTER_PCT(Table.SERVICE_DOCUMENT,
            "`0.60`",
            "(0, 1]",
            "per-cluster cap, fraction of equity"),
    STALE_DATA_SEC(Table.SERVICE_DOCUMENT,
            "`60`",
            "whole number in [1, 86400]",
            "an input older than this (strictly) falls back"),
    REGIME_FACTOR_TREND(Table.SERVICE_DOCUMENT,
            "`1.2`",
            "[0, 5]",
            "multiplier in TREND"),
    REGIME_FACTOR_MR(Table.SERVICE_DOCUMENT,
            "`1.0`",
            "[0, 5]",
            "multiplier in MEAN_REVERSION"),
    REGIME_FACTOR_CHOP(Table.SERVICE_DOCUMENT,
            "`0.6`",
            "[0, 5]",
            "multiplier in CHOP"),
    DD_LOW_THRESHOLD(Table.SERVICE_DOCUMENT,
            "`0.05`",
            "[0, 1], below `DD_HIGH_THRESHOLD`",
            "LOW zone below it"),
    DD_HIGH_THRESHOLD(Table.SERVICE_DOCUMENT,
            "`0.15`",
            "[0, 1]",
            "HIGH zone at or above it"),
    DD_FACTOR_LOW(Table.SERVICE_DOCUMENT,
            "`1.0`",
            "[0, 5], >= `DD_FACTOR_MID`",
            "multiplier in LOW"),
    DD_FACTOR_MID(Table.SERVICE_DOCUMENT,
            "`0.7`",
            "[0, 5], >= `DD_FACTOR_HIGH`",
            "multiplier in MID"),
    DD_FACTOR_HIGH(Table.SERVICE_DOCUMENT,
            "`0.4`",
            "[0, 5]",
            "multiplier in HIGH"),
    DD_HYSTERESIS(Table.SERVICE_DOCUMENT,
            "`0` (the shipped env file: `0.005`)",
            "[0, `DD_LOW_THRESHOLD`]",
            "band of the drawdown hysteresis (`rules.md`): a lighter zone needs the drawdown this far below the"
            + " boundary"),
    DD_RELAX_SEC(Table.SERVICE_DOCUMENT,
            "`0` (the shipped env file: `300`)",
            "whole number in [0, 86400]",
            "how long the drawdown must stand below (boundary - band) before the zone lightens; deeper zones"
            + " apply at once"),
    CLUSTER_STRESS_MIN(Table.SERVICE_DOCUMENT,
            "`0.3`",
            "[0, 5], <= `CLUSTER_STRESS_MAX`",
            "lower clamp of `1 - stress`"),
    CLUSTER_STRESS_MAX(Table.SERVICE_DOCUMENT,
            "`1.0`",
            "[0, 5]",
            "upper clamp of `1 - stress`"),
    TARGET_TTL_SEC(Table.SERVICE_DOCUMENT,
            "`300`",
            "whole number in [2, 86400], above `P29_INTERVAL_SEC`",
            "EXPIRE of each target hash"),
    REDIS_URL(Table.CONNECTION_AND_EXTRA,
            "(unset)",
            "`redis://[user[:password]@]host[:port][/db]`, `rediss://` for TLS",
            "wins over `REDIS_HOST`/`REDIS_PORT`/`REDIS_DB`; user and password percent-decoded"),
    REDIS_HOST(Table.CONNECTION_AND_EXTRA,
            "`localhost`",
            "host name or IP",
            "used when `REDIS_URL` is unset"),
    REDIS_PORT(Table.CONNECTION_AND_EXTRA,
            "`6379`",
            "[1, 65535]",
            ""),
    REDIS_DB(Table.CONNECTION_AND_EXTRA,
            "`0`",
            "[0, 15]; only 0 (or unset) with Cluster",
            "standalone and Sentinel"),
    REDIS_SENTINELS(Table.CONNECTION_AND_EXTRA,
            "(unset)",
            "`host:port[,host:port...]`, no duplicates",
            "Sentinel deployment, with `REDIS_SENTINEL_MASTER`; excludes the standalone and Cluster variables"),
    REDIS_SENTINEL_MASTER(Table.CONNECTION_AND_EXTRA,
            "(unset)",
            "1-64 of `[A-Za-z0-9._-]`",
            "the monitored master's name"),
    REDIS_SENTINEL_PASSWORD(Table.CONNECTION_AND_EXTRA,
            "(unset)",
            "non-empty",
            "the Sentinels' own password; never logged"),
    REDIS_CLUSTER_NODES(Table.CONNECTION_AND_EXTRA,
            "(unset)",
            "`host:port[,host:port...]`",
            "Cluster deployment: any of its nodes; excludes the standalone and Sentinel variables"),
    REDIS_USERNAME(Table.CONNECTION_AND_EXTRA,
            "(unset)",
            "non-empty",
            "ACL user on the data nodes, every deployment; a `REDIS_URL`'s own user wins"),
    REDIS_PASSWORD(Table.CONNECTION_AND_EXTRA,
            "(unset)",
            "non-empty",
            "data nodes; also applies to a `REDIS_URL` without a password; never logged or printed"),
    REDIS_TLS(Table.CONNECTION_AND_EXTRA,
            "`false`",
            "`true` or `false`; Sentinel and Cluster only",
            "TLS to the data nodes and the Sentinels (standalone: `rediss://`)"),
    REDIS_TLS_CA_FILE(Table.CONNECTION_AND_EXTRA,
            "(unset: the JVM trust store)",
            "readable PEM file; only with TLS (`rediss://` or `REDIS_TLS=true`)",
            "CA certificates trusted for TLS; the server certificate must also name the host (hostname"
            + " verification is always on)"),
    REDIS_TIMEOUT_MS(Table.CONNECTION_AND_EXTRA,
            "`min(2000, interval x 500)`",
            "[50, 60000], below `P29_INTERVAL_SEC x 1000`",
            "connect and socket timeout: a stalled Redis fails the cycle before the next is due"),
    P29_METRICS_BIND(Table.CONNECTION_AND_EXTRA,
            "`127.0.0.1`",
            "IP or host name",
            "address of the HTTP server; the host's address (or `0.0.0.0`) when Prometheus scrapes from another"
            + " host"),
    P29_CLUSTER_MAP_FILE(Table.CONNECTION_AND_EXTRA,
            "(unset)",
            "readable JSON object `{\"BTCUSDT\": \"majors\"}`",
            "static symbol -> cluster map; the Redis hash `quantum:config:symbol.cluster` wins over it; read"
            + " once at start; both win over the live stack's discovered clusters (`quantum:portfolio:clusters`,"
            + " `rules.md`)"),
    P29_DECISION_STREAM_MAXLEN(Table.CONNECTION_AND_EXTRA,
            "`100000`",
            "[1, 1000000000]",
            "`XADD MAXLEN ~` of `quantum:stream:allocation.decision` (a history of changes: new, changed,"
            + " removed targets)"),
    P29_MIN_CHANGE_PCT(Table.CONNECTION_AND_EXTRA,
            "`0.001`",
            "number in [0, 0.1]; 0 = any change",
            "a target is rewritten when its `target_usd` moved by more than this share of the written value (or"
            + " a label or a cap requires it); so a written target is never more than 0.1 % from the computed one"
            + " (DESIGN section 12)"),
    P29_TARGET_REFRESH_SEC(Table.CONNECTION_AND_EXTRA,
            "`30` (shorter when `TARGET_TTL_SEC` is short)",
            "whole number in [1, 299], >= `P29_INTERVAL_SEC`, and `P29_TARGET_REFRESH_SEC + P29_INTERVAL_SEC`"
            + " below `TARGET_TTL_SEC`; see the takeover rule below the table",
            "an unchanged target is rewritten with a fresh `timestamp` when this old: every target's `timestamp`"
            + " stays younger than this plus one interval, far below the 300 s after which the Governor calls a"
            + " target stale"),
    P29_CYCLE_STREAM_MAXLEN(Table.CONNECTION_AND_EXTRA,
            "`50000`",
            "[1, 1000000000]",
            "`XADD MAXLEN ~` of `quantum:stream:allocation.cycle`, one entry per cycle (~69 h at 5 s)"),
    LOG_LEVEL(Table.CONNECTION_AND_EXTRA,
            "`INFO`",
            "`TRACE` `DEBUG` `INFO` `WARN` `ERROR`",
            "`DEBUG` adds a line per target"),
    P29_LEASE_SEC(Table.CONNECTION_AND_EXTRA,
            "`15` (shorter when `TARGET_TTL_SEC` is short, never below 2 intervals)",
            "whole number in [2, 3600], >= 2 x `P29_INTERVAL_SEC`, and `P29_LEASE_SEC + P29_INTERVAL_SEC` below"
            + " `TARGET_TTL_SEC`; see the takeover rule below the table",
            "life of the writer's lease without renewal: a standby takes over within it plus one interval of the"
            + " leader's last renewal, before the targets expire (`operations.md`, \"Running two or more\")"),
    P29_YIELD_AFTER_CYCLES(Table.CONNECTION_AND_EXTRA,
            "`3`",
            "whole number in [1, 100]",
            "a leader that completed no write in this many cycles in a row gives the lease up"
            + " (compare-and-delete) while a standby reports in `quantum:allocation:runners` that its last cycle"
            + " computed; nobody yields when no runner can compute (`reliability.md`, \"The throttle never"
            + " silently lifts\")"),
    P29_MAX_CLOCK_OFFSET_SEC(Table.CONNECTION_AND_EXTRA,
            "`5`",
            "number of seconds in [0.1, 3600]",
            "the service runs on Redis's `TIME`; this host's clock further than this from it is logged (WARN,"
            + " once a minute) and alerted (`P29ClockOffset`); it changes nothing computed or written"),
    P29_MAX_SYMBOLS(Table.CONNECTION_AND_EXTRA,
            "the heap's capacity: (max heap - 40 MB) / 850 bytes, at least 1,000 (~345,000 under the unit's"
            + " `-Xmx320m`; `check-config` prints it)",
            "whole number in [1, 10000000]",
            "the most symbols a cycle reads. Beyond it a cycle keeps the symbols that have a target first, then"
            + " the rest by name, up to it; the excess has no target and is counted"
            + " (`p29_universe_over_capacity_total`, ERROR once a minute, alert `P29UniverseOverCapacity`); a"
            + " target of a symbol left out is not deleted (it expires at `TARGET_TTL_SEC`). Set above the"
            + " capacity, a universe that large may end the JVM (`check-config` warns)"),
    P29_LOG_TARGETS(Table.CONNECTION_AND_EXTRA,
            "`20`",
            "whole number in [0, 10000]; 0 = none",
            "the targets a cycle changed are logged one line each as the original service did (`BTCUSDT: target=$12345.67"
            + " ...`, what runbooks grep for), at most this many per cycle, then `... and N more`"),
    MAX_GROSS_PCT(Table.CONNECTION_AND_EXTRA,
            "`off` (the shipped env file: `1.0`)",
            "number in (0, 10], or `off`",
            "gross cap, fraction of equity (`rules.md`): after the symbol and cluster caps, a book whose targets sum"
            + " above `MAX_GROSS_PCT x equity` is scaled whole by one ratio (cap `gross`)"),
    P29_MAX_RAISE_PCT(Table.CONNECTION_AND_EXTRA,
            "`0` = off (the shipped env file: `0.10`)",
            "number in [0, 10]",
            "ramp (`rules.md`): a written target rises by at most this share of its base budget per minute since it"
            + " was written (cap `ramp`); falls apply at once; a symbol new to the universe starts at its target"),
    P29_INCREMENTAL(Table.CONNECTION_AND_EXTRA,
            "`true`",
            "`true`, `false` (any case)",
            "incremental reads (`performance.md`, \"Incremental reads\"): Redis tells the service which input keys changed"
            + " (`CLIENT TRACKING ... BCAST` on a connection of its own) and a cycle reads only those; a change of the"
            + " portfolio, the regime or a control starts a cycle at once. `false`: every cycle reads every input, on the"
            + " timer only. A Redis Cluster always reads everything, and so does a universe beyond the cache's share of the"
            + " heap ((max heap - 40 MB) / 1,250 bytes: ~235,000 symbols under the unit's `-Xmx320m`; `check-config` prints"
            + " it), changes still starting cycles. The ACL needs the tracking commands and channel of"
            + " `security.md`; without them: a WARN once a minute and full reads"),
    P29_FULL_READ_SEC(Table.CONNECTION_AND_EXTRA,
            "`60`",
            "whole number in [5, 3600]",
            "with incremental reads, a cycle at least this often reads every input and compares it with what the service"
            + " held: a difference no change explains is counted (`p29_cache_discrepancies_total`, alert"
            + " `P29CacheDiscrepancy`)"),
    P29_MIN_CYCLE_GAP_MS(Table.CONNECTION_AND_EXTRA,
            "`200`",
            "whole number in [10, 60000], below `P29_INTERVAL_SEC x 1000`",
            "a cycle started by a change (portfolio, regime, control) starts no earlier than this after the last cycle"
            + " started: a burst of writes costs at most one cycle per gap"),
    P29_INSTANCE_ID(Table.CONNECTION_AND_EXTRA,
            "host name-pid",
            "1-128 characters of `[A-Za-z0-9._:-]`",
            "this runner's name in the lease, `quantum:allocation:state`, the role log lines and every cycle line"),
    LOG_FORMAT(Table.CONNECTION_AND_EXTRA,
            "`text`",
            "`text`, `json`",
            "`json`: one JSON object per line (Logback's `JsonEncoder`), the cycle's figures as fields (see"
            + " `operations.md`)");

    /** Which table of {@code docs/configuration.md} a variable belongs to. */
    public enum Table {
        /** "The service document's variables". */
        SERVICE_DOCUMENT,
        /** "Connection and extra variables". */
        CONNECTION_AND_EXTRA
    }

    private final Table table;
    private final String defaultValue;
    private final String allowed;
    private final String meaning;

    Variable(Table table, String defaultValue, String allowed, String meaning) {
        this.table = table;
        this.defaultValue = defaultValue;
        this.allowed = allowed;
        this.meaning = meaning;
    }

    /** The table of {@code docs/configuration.md} that lists it. */
    public Table table() {
        return table;
    }

    /** Its default, as the docs write it (Markdown). */
    public String defaultValue() {
        return defaultValue;
    }

    /** What is allowed, as the docs write it (Markdown). */
    public String allowed() {
        return allowed;
    }

    /** What it means, one line (Markdown). */
    public String meaning() {
        return meaning;
    }

    /** Its raw value in {@code env}, or null when unset. */
    public String in(Map<String, String> env) {
        return env.get(name());
    }

    /** Whether {@code env} sets it. */
    public boolean isSetIn(Map<String, String> env) {
        return env.containsKey(name());
    }

    /** The variable of this name, if the service reads one. */
    public static Optional<Variable> named(String name) {
        for (Variable v : values()) {
            if (v.name().equals(name)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }
}
