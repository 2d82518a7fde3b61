package com.quantumtrader.allocation.runner.config;

import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.core.Scalars;
import com.quantumtrader.allocation.redis.write.OutputWriter;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every variable the service reads, declared once: its name (the constant's), its group, its type and range
 * ({@link Kind}), its default and what it means. Parsing goes through the declaration ({@link #whole}, {@link #decimal},
 * {@link #flag}, {@link #choice}, {@link #text}: the range and the message come from it), the tables of
 * {@code docs/configuration.md} are its {@link #defaultValue}, {@link #allowed} and {@link #meaning} (a test holds the
 * two equal, row for row), the list of known names ({@link Config#KNOWN}, the typo check) is this enum, and
 * {@code check-config} prints each one's value by group. A default computed from other variables (the lease, the
 * refresh, the timeout, the heap's capacity) is written once, where {@link Config} computes it.
 */
public enum Variable {
    P29_MODE(Table.SERVICE_DOCUMENT, Group.SERVICE, Kind.choice("shadow", "enforce"),
            "shadow", "", "",
            "shadow: compute and stream decisions only; enforce: also write target hashes. The permanent"
            + " setting: a valid control hash (`control set enforce|reduce|shadow`, `operations.md`) overrides it"
            + " at run time until `control clear`; reduce exists only there"),
    P29_INTERVAL_SEC(Table.SERVICE_DOCUMENT, Group.SERVICE, Kind.whole(1, 3600),
            "5", "", "",
            "seconds between cycle starts (fixed grid, cycles never overlap)"),
    P29_METRICS_PORT(Table.SERVICE_DOCUMENT, Group.HTTP, Kind.whole(0, 65535),
            "8059", "", "; 0 picks a free port",
            "port of `/metrics`, `/healthz`, `/readyz`"),
    MAX_SYMBOL_PCT(Table.SERVICE_DOCUMENT, Kind.text("(0, 1]"),
            p -> Scalars.formatDecimal(p.maxSymbolPct()), "",
            "per-symbol cap, fraction of equity"),
    MAX_CLUSTER_PCT(Table.SERVICE_DOCUMENT, Kind.text("(0, 1]"),
            p -> Scalars.formatDecimal(p.maxClusterPct()), "",
            "per-cluster cap, fraction of equity"),
    STALE_DATA_SEC(Table.SERVICE_DOCUMENT, Kind.text("whole number in [1, 86400]"),
            p -> Long.toString(p.staleData().getSeconds()), "",
            "an input older than this (strictly) falls back"),
    REGIME_FACTOR_TREND(Table.SERVICE_DOCUMENT, Kind.text("[0, 5]"),
            p -> Scalars.formatDecimal(p.regimeFactorTrend()), "",
            "multiplier in TREND"),
    REGIME_FACTOR_MR(Table.SERVICE_DOCUMENT, Kind.text("[0, 5]"),
            p -> Scalars.formatDecimal(p.regimeFactorMeanReversion()), "",
            "multiplier in MEAN_REVERSION"),
    REGIME_FACTOR_CHOP(Table.SERVICE_DOCUMENT, Kind.text("[0, 5]"),
            p -> Scalars.formatDecimal(p.regimeFactorChop()), "",
            "multiplier in CHOP"),
    DD_LOW_THRESHOLD(Table.SERVICE_DOCUMENT, Kind.text("[0, 1], below `DD_HIGH_THRESHOLD`"),
            p -> Scalars.formatDecimal(p.ddLowThreshold()), "",
            "LOW zone below it"),
    DD_HIGH_THRESHOLD(Table.SERVICE_DOCUMENT, Kind.text("[0, 1]"),
            p -> Scalars.formatDecimal(p.ddHighThreshold()), "",
            "HIGH zone at or above it"),
    DD_FACTOR_LOW(Table.SERVICE_DOCUMENT, Kind.text("[0, 5], >= `DD_FACTOR_MID`"),
            p -> Scalars.formatDecimal(p.ddFactorLow()), "",
            "multiplier in LOW"),
    DD_FACTOR_MID(Table.SERVICE_DOCUMENT, Kind.text("[0, 5], >= `DD_FACTOR_HIGH`"),
            p -> Scalars.formatDecimal(p.ddFactorMid()), "",
            "multiplier in MID"),
    DD_FACTOR_HIGH(Table.SERVICE_DOCUMENT, Kind.text("[0, 5]"),
            p -> Scalars.formatDecimal(p.ddFactorHigh()), "",
            "multiplier in HIGH"),
    DD_HYSTERESIS(Table.SERVICE_DOCUMENT, Kind.text("[0, `DD_LOW_THRESHOLD`]"),
            p -> Scalars.formatDecimal(p.ddHysteresis()), "(the shipped env file: `0.005`)",
            "band of the drawdown hysteresis (`rules.md`): a lighter zone needs the drawdown this far below the"
            + " boundary"),
    DD_RELAX_SEC(Table.SERVICE_DOCUMENT, Kind.text("whole number in [0, 86400]"),
            p -> Long.toString(p.ddRelax().getSeconds()), "(the shipped env file: `300`)",
            "how long the drawdown must stand below (boundary - band) before the zone lightens; deeper zones"
            + " apply at once"),
    CLUSTER_STRESS_MIN(Table.SERVICE_DOCUMENT, Kind.text("[0, 5], <= `CLUSTER_STRESS_MAX`"),
            p -> Scalars.formatDecimal(p.clusterStressMin()), "",
            "lower clamp of `1 - stress`"),
    CLUSTER_STRESS_MAX(Table.SERVICE_DOCUMENT, Kind.text("[0, 5]"),
            p -> Scalars.formatDecimal(p.clusterStressMax()), "",
            "upper clamp of `1 - stress`"),
    TARGET_TTL_SEC(Table.SERVICE_DOCUMENT, Group.WRITES, Kind.whole(2, 86_400),
            "300", "", ", above `P29_INTERVAL_SEC`",
            "EXPIRE of each target hash"),
    REDIS_URL(Table.CONNECTION_AND_EXTRA, Group.REDIS, Kind.text("`redis://[user[:password]@]host[:port][/db]`, `rediss://` for TLS"),
            null, "(unset)", "",
            "wins over `REDIS_HOST`/`REDIS_PORT`/`REDIS_DB`; user and password percent-decoded"),
    REDIS_HOST(Table.CONNECTION_AND_EXTRA, Group.REDIS, Kind.text("host name or IP"),
            "localhost", "", "",
            "used when `REDIS_URL` is unset"),
    REDIS_PORT(Table.CONNECTION_AND_EXTRA, Group.REDIS, Kind.whole(1, 65535),
            "6379", "", "",
            ""),
    REDIS_DB(Table.CONNECTION_AND_EXTRA, Group.REDIS, Kind.whole(0, 15),
            "0", "", "; only 0 (or unset) with Cluster",
            "standalone and Sentinel"),
    REDIS_SENTINELS(Table.CONNECTION_AND_EXTRA, Group.REDIS, Kind.text("`host:port[,host:port...]`, no duplicates"),
            null, "(unset)", "",
            "Sentinel deployment, with `REDIS_SENTINEL_MASTER`; excludes the standalone and Cluster variables"),
    REDIS_SENTINEL_MASTER(Table.CONNECTION_AND_EXTRA, Group.REDIS, Kind.text("1-64 of `[A-Za-z0-9._-]`"),
            null, "(unset)", "",
            "the monitored master's name"),
    REDIS_SENTINEL_PASSWORD(Table.CONNECTION_AND_EXTRA, Group.REDIS, Kind.text("non-empty"),
            null, "(unset)", "",
            "the Sentinels' own password; never logged"),
    REDIS_CLUSTER_NODES(Table.CONNECTION_AND_EXTRA, Group.REDIS, Kind.text("`host:port[,host:port...]`"),
            null, "(unset)", "",
            "Cluster deployment: any of its nodes; excludes the standalone and Sentinel variables"),
    REDIS_USERNAME(Table.CONNECTION_AND_EXTRA, Group.REDIS, Kind.text("non-empty"),
            null, "(unset)", "",
            "ACL user on the data nodes, every deployment; a `REDIS_URL`'s own user wins"),
    REDIS_PASSWORD(Table.CONNECTION_AND_EXTRA, Group.REDIS, Kind.text("non-empty"),
            null, "(unset)", "",
            "data nodes; also applies to a `REDIS_URL` without a password; never logged or printed"),
    REDIS_TLS(Table.CONNECTION_AND_EXTRA, Group.REDIS, Kind.flag(),
            "false", "", "; Sentinel and Cluster only",
            "TLS to the data nodes and the Sentinels (standalone: `rediss://`)"),
    REDIS_TLS_CA_FILE(Table.CONNECTION_AND_EXTRA, Group.REDIS, Kind.text("readable PEM file; only with TLS (`rediss://` or `REDIS_TLS=true`)"),
            null, "(unset: the JVM trust store)", "",
            "CA certificates trusted for TLS; the server certificate must also name the host (hostname"
            + " verification is always on)"),
    REDIS_TIMEOUT_MS(Table.CONNECTION_AND_EXTRA, Group.REDIS, Kind.whole(50, 60_000),
            null, "`min(2000, interval x 500)`", ", below `P29_INTERVAL_SEC x 1000`",
            "connect and socket timeout: a stalled Redis fails the cycle before the next is due"),
    P29_METRICS_BIND(Table.CONNECTION_AND_EXTRA, Group.HTTP, Kind.text("IP or host name"),
            "127.0.0.1", "", "",
            "address of the HTTP server; the host's address (or `0.0.0.0`) when Prometheus scrapes from another"
            + " host"),
    P29_CLUSTER_MAP_FILE(Table.CONNECTION_AND_EXTRA, Group.READS, Kind.text("readable JSON object `{\"BTCUSDT\": \"majors\"}`"),
            null, "(unset)", "",
            "static symbol -> cluster map; the Redis hash `quantum:config:symbol.cluster` wins over it; read"
            + " once at start; both win over the live stack's discovered clusters (`quantum:portfolio:clusters`,"
            + " `rules.md`)"),
    P29_RECORD_DIR(Table.CONNECTION_AND_EXTRA, Group.RECORD, Kind.text("a directory the service may create and write"),
            null, "(unset: off; the shipped env file: `/var/lib/quantum/capital-allocation/record`)", "",
            "the recorder (DESIGN section 24): the leader writes the decoded inputs of a cycle here as a gzip snapshot"
            + " (`snapshot-format.md`, readable by `once --snapshot`); a failing disk is a WARN and"
            + " `p29_record_failures_total`, never a failed cycle"),
    P29_RECORD_SEC(Table.CONNECTION_AND_EXTRA, Group.RECORD, Kind.whole(10, 86_400),
            "300", "", "",
            "seconds between two recorded cycles"),
    P29_RECORD_KEEP_DAYS(Table.CONNECTION_AND_EXTRA, Group.RECORD, Kind.whole(1, 366),
            "7", "", "",
            "recordings older than this many days are deleted"),
    P29_DECISION_STREAM_MAXLEN(Table.CONNECTION_AND_EXTRA, Group.WRITES, Kind.whole(1, 1_000_000_000),
            "100000", "", "",
            "`XADD MAXLEN ~` of `quantum:stream:allocation.decision` (a history of changes: new, changed,"
            + " removed targets)"),
    P29_MIN_CHANGE_PCT(Table.CONNECTION_AND_EXTRA, Group.WRITES, Kind.decimal(0, 0.1, "", "0.001 = 0.1 %"),
            Kind.plain(OutputWriter.DEFAULT_MIN_CHANGE_PCT), "", "; 0 = any change",
            "a target is rewritten when its `target_usd` moved by more than this share of the written value (or"
            + " a label or a cap requires it); so a written target is never more than 0.1 % from the computed one"
            + " (DESIGN section 12)"),
    P29_TARGET_REFRESH_SEC(Table.CONNECTION_AND_EXTRA, Group.WRITES, Kind.whole(1, 299),
            null, "`" + OutputWriter.DEFAULT_REFRESH.toSeconds() + "` (shorter when `TARGET_TTL_SEC` is short)", ", >= `P29_INTERVAL_SEC`, and `P29_TARGET_REFRESH_SEC + P29_INTERVAL_SEC` below `TARGET_TTL_SEC`; see the takeover rule below the table",
            "an unchanged target is rewritten with a fresh `timestamp` when this old: every target's `timestamp`"
            + " stays younger than this plus one interval, far below the 300 s after which the Governor calls a"
            + " target stale"),
    P29_CYCLE_STREAM_MAXLEN(Table.CONNECTION_AND_EXTRA, Group.WRITES, Kind.whole(1, 1_000_000_000),
            Long.toString(OutputWriter.DEFAULT_CYCLE_STREAM_MAXLEN), "", "",
            "`XADD MAXLEN ~` of `quantum:stream:allocation.cycle`, one entry per cycle (~69 h at 5 s)"),
    LOG_LEVEL(Table.CONNECTION_AND_EXTRA, Group.LOGS, Kind.choice("TRACE", "DEBUG", "INFO", "WARN", "ERROR"),
            "INFO", "", "",
            "`DEBUG` adds a line per target"),
    P29_LEASE_SEC(Table.CONNECTION_AND_EXTRA, Group.LEASE, Kind.whole(2, 3600),
            null, "`15` (shorter when `TARGET_TTL_SEC` is short, never below 2 intervals)", ", >= 2 x `P29_INTERVAL_SEC`, and `P29_LEASE_SEC + P29_INTERVAL_SEC` below `TARGET_TTL_SEC`; see the takeover rule below the table",
            "life of the writer's lease without renewal: a standby takes over within it plus one interval of the"
            + " leader's last renewal, before the targets expire (`operations.md`, \"Running two or more\")"),
    P29_YIELD_AFTER_CYCLES(Table.CONNECTION_AND_EXTRA, Group.LEASE, Kind.whole(1, 100),
            "3", "", "",
            "a leader that completed no write in this many cycles in a row gives the lease up"
            + " (compare-and-delete) while a standby reports in `quantum:allocation:runners` that its last cycle"
            + " computed; nobody yields when no runner can compute (`reliability.md`, \"The throttle never"
            + " silently lifts\")"),
    P29_MAX_CLOCK_OFFSET_SEC(Table.CONNECTION_AND_EXTRA, Group.LEASE, Kind.decimal(0.1, 3600, "of seconds", ""),
            "5", "", "",
            "the service runs on Redis's `TIME`; this host's clock further than this from it is logged (WARN,"
            + " once a minute) and alerted (`P29ClockOffset`); it changes nothing computed or written"),
    P29_MAX_SYMBOLS(Table.CONNECTION_AND_EXTRA, Group.READS, Kind.whole(1, 10_000_000),
            null, "the heap's capacity: (max heap - 40 MB) / 850 bytes, at least 1,000 (~345,000 under the unit's `-Xmx320m`; `check-config` prints it)", "",
            "the most symbols a cycle reads. Beyond it a cycle keeps the symbols that have a target first, then"
            + " the rest by name, up to it; the excess has no target and is counted"
            + " (`p29_universe_over_capacity_total`, ERROR once a minute, alert `P29UniverseOverCapacity`); a"
            + " target of a symbol left out is not deleted (it expires at `TARGET_TTL_SEC`). Set above the"
            + " capacity, a universe that large may end the JVM (`check-config` warns)"),
    P29_LOG_TARGETS(Table.CONNECTION_AND_EXTRA, Group.LOGS, Kind.whole(0, 10_000),
            "20", "", "; 0 = none",
            "the targets a cycle changed are logged one line each as the original service did (`BTCUSDT: target=$12345.67"
            + " ...`, what runbooks grep for), at most this many per cycle, then `... and N more`"),
    MAX_GROSS_PCT(Table.CONNECTION_AND_EXTRA, Kind.text("number in (0, 10], or `off`"),
            p -> p.maxGrossPct().isPresent() ? Scalars.formatDecimal(p.maxGrossPct().getAsDouble()) : "off", "(the shipped env file: `1.0`)",
            "gross cap, fraction of equity (`rules.md`): after the symbol and cluster caps, a book whose targets sum"
            + " above `MAX_GROSS_PCT x equity` is scaled whole by one ratio (cap `gross`)"),
    P29_MAX_RAISE_PCT(Table.CONNECTION_AND_EXTRA, Kind.text("number in [0, 10]"),
            p -> Scalars.formatDecimal(p.maxRaisePct()), "= off (the shipped env file: `0.10`)",
            "ramp (`rules.md`): a written target rises by at most this share of its base budget per minute since it"
            + " was written (cap `ramp`); falls apply at once; a symbol new to the universe starts at its target"),
    P29_INCREMENTAL(Table.CONNECTION_AND_EXTRA, Group.READS, Kind.flag(),
            "true", "", "",
            "incremental reads (`performance.md`, \"Incremental reads\"): Redis tells the service which input keys changed"
            + " (`CLIENT TRACKING ... BCAST` on a connection of its own) and a cycle reads only those; a control change, or a"
            + " portfolio or regime change that moves the drawdown zone or the regime in force, starts a cycle at once."
            + " `false`: every cycle reads every input, on the timer only. A Redis Cluster always reads everything, and so does a universe beyond the cache's share of the"
            + " heap ((max heap - 40 MB) / 1,250 bytes: ~235,000 symbols under the unit's `-Xmx320m`; `check-config` prints"
            + " it), changes still starting cycles. The ACL needs the tracking commands and channel of"
            + " `security.md`; without them: a WARN once a minute and full reads"),
    P29_FULL_READ_SEC(Table.CONNECTION_AND_EXTRA, Group.READS, Kind.whole(5, 3600),
            "60", "", "",
            "with incremental reads, a cycle at least this often reads every input and compares it with what the service"
            + " held: a difference no change explains is counted (`p29_cache_discrepancies_total`, alert"
            + " `P29CacheDiscrepancy`)"),
    P29_MIN_CYCLE_GAP_MS(Table.CONNECTION_AND_EXTRA, Group.READS, Kind.whole(10, 60_000),
            "200", "", ", below `P29_INTERVAL_SEC x 1000`",
            "a change heard (portfolio, regime, control) is looked at, and starts a cycle when it matters, no earlier than this"
            + " after the last change was, and once the cycle in flight ends: a burst of writes costs at most one cycle per gap"),
    P29_INSTANCE_ID(Table.CONNECTION_AND_EXTRA, Group.SERVICE, Kind.text("1-128 characters of `[A-Za-z0-9._:-]`"),
            null, "host name-pid", "",
            "this runner's name in the lease, `quantum:allocation:state`, the role log lines and every cycle line"),
    LOG_FORMAT(Table.CONNECTION_AND_EXTRA, Group.LOGS, Kind.choice("text", "json"),
            "text", "", "",
            "`json`: one JSON object per line (Logback's `JsonEncoder`), the cycle's figures as fields (see"
            + " `operations.md`)");

    /** Which table of {@code docs/configuration.md} a variable belongs to. */
    public enum Table {
        /** "The service document's variables". */
        SERVICE_DOCUMENT,
        /** "Connection and extra variables". */
        CONNECTION_AND_EXTRA
    }

    /** The part of the service a variable configures: the group record of {@link Config} that holds it. */
    public enum Group {
        /** The mode, the interval and this runner's name ({@link Config.Service}). */
        SERVICE,
        /** The HTTP endpoints ({@link Config.Http}). */
        HTTP,
        /** The rules ({@link Policy}, through {@link PolicySettings}). */
        POLICY,
        /** The Redis deployment, its login, TLS and timeout ({@link Config.Connection}). */
        REDIS,
        /** The target hashes and the streams ({@link Config.Writes}). */
        WRITES,
        /** The writer's lease ({@link Config.Leadership}). */
        LEASE,
        /** The input recorder ({@link Config.Recording}). */
        RECORD,
        /** What a cycle reads and when ({@link Config.Reads}). */
        READS,
        /** The logs ({@link Config.Logs}). */
        LOGS
    }

    private final Table table;
    private final Group group;
    private final Kind kind;
    /** The default as a value of the environment (parsed like one), or null: unset, or computed from other variables. */
    private final String defaultLiteral;
    private final String defaultNote;
    private final String allowedNote;
    private final String meaning;
    /** A rule variable's value in a policy; null for the others. */
    private final Function<Policy, String> rule;

    Variable(Table table, Group group, Kind kind, String defaultLiteral, String defaultNote, String allowedNote, String meaning) {
        this.table = table;
        this.group = group;
        this.kind = kind;
        this.defaultLiteral = defaultLiteral;
        this.defaultNote = defaultNote;
        this.allowedNote = allowedNote;
        this.meaning = meaning;
        this.rule = null;
    }

    /** A rule variable: checked by core's {@link Policy}, its default {@link Policy#DEFAULTS}'s, {@code rule} its value's text. */
    Variable(Table table, Kind kind, Function<Policy, String> rule, String defaultNote, String meaning) {
        this.table = table;
        this.group = Group.POLICY;
        this.kind = kind;
        this.defaultLiteral = null;
        this.defaultNote = defaultNote;
        this.allowedNote = "";
        this.meaning = meaning;
        this.rule = rule;
    }

    /** A rule variable's value in {@code policy}, as the environment writes it ({@link PolicySettings#of}). */
    public String of(Policy policy) {
        if (rule == null) {
            throw new IllegalStateException(name() + " is not a rule variable");
        }
        return rule.apply(policy);
    }

    /** The table of {@code docs/configuration.md} that lists it. */
    public Table table() {
        return table;
    }

    /** The part of the service it configures. */
    public Group group() {
        return group;
    }

    /** Its type and range. */
    public Kind kind() {
        return kind;
    }

    /**
     * Its default, as the docs write it (Markdown): the literal, and what the docs add (a rule for a computed default,
     * the shipped env file's value). A rule's default is core's {@link Policy#DEFAULTS}.
     */
    public String defaultValue() {
        String literal = rule != null ? rule.apply(Policy.DEFAULTS) : defaultLiteral;
        if (literal == null) {
            return defaultNote;
        }
        return "`" + literal + "`" + (defaultNote.isEmpty() ? "" : " " + defaultNote);
    }

    /** What is allowed, as the docs write it (Markdown): the type and range, and the rules that tie it to others. */
    public String allowed() {
        return kind.describe() + allowedNote;
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

    /** Its value in {@code env} as a whole number in its range, or its declared default. */
    public long whole(Map<String, String> env) {
        return whole(env, Long.parseLong(declaredDefault()));
    }

    /** Its value in {@code env} as a whole number in its range, or {@code computedDefault} when unset. */
    public long whole(Map<String, String> env, long computedDefault) {
        String raw = in(env);
        return raw == null ? computedDefault : ((Kind.Whole) kind).parse(name(), raw);
    }

    /** Its value in {@code env} as a number in its range, or its declared default. */
    public double decimal(Map<String, String> env) {
        return ((Kind.Decimal) kind).parse(name(), Objects.requireNonNullElse(in(env), declaredDefault()));
    }

    /** Its value in {@code env} as {@code true} or {@code false} (any case), or its declared default. */
    public boolean flag(Map<String, String> env) {
        return ((Kind.Flag) kind).parse(name(), Objects.requireNonNullElse(in(env), declaredDefault()));
    }

    /** Its value in {@code env} as one of its choices (as declared, whatever the case written), or its declared default. */
    public String choice(Map<String, String> env) {
        return ((Kind.Choice) kind).parse(name(), Objects.requireNonNullElse(in(env), declaredDefault()));
    }

    /** Its value in {@code env}, stripped, or its declared default (null when it has none). */
    public String text(Map<String, String> env) {
        String raw = in(env);
        return raw == null ? defaultLiteral : raw.strip();
    }

    private String declaredDefault() {
        if (defaultLiteral == null) {
            throw new IllegalStateException(name() + " declares no default: its caller computes one");
        }
        return defaultLiteral;
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
