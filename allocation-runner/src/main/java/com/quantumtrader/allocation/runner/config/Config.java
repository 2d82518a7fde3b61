package com.quantumtrader.allocation.runner.config;

import static com.quantumtrader.allocation.runner.config.Variable.*;

import com.quantumtrader.allocation.redis.wire.Names;

import com.quantumtrader.allocation.redis.client.Access;

import com.quantumtrader.allocation.redis.client.HostPort;

import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.core.Scalars;
import com.quantumtrader.allocation.redis.write.OutputWriter;
import com.quantumtrader.allocation.redis.client.RedisDeployment;
import com.quantumtrader.allocation.redis.client.RedisEndpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The whole configuration of the service, one flat record. Built by {@link #fromEnv(Map)} from
 * {@code System.getenv()} (plus an {@code --env-file}) in main, from {@code Map.of(...)} in tests.
 * Every bad value throws a {@link ConfigException} whose message is one line naming the variable,
 * the value and what is allowed. A variable that is set must not be empty.
 *
 * @param mode                 {@code P29_MODE}: shadow (default) or enforce
 * @param intervalSec          {@code P29_INTERVAL_SEC}: seconds between cycle starts, [1, 3600], default 5
 * @param metricsBind          {@code P29_METRICS_BIND}: address of the HTTP server, default 127.0.0.1
 * @param metricsPort          {@code P29_METRICS_PORT}: [0, 65535] (0: any free port), default 8059
 * @param policy               the rule settings ({@code MAX_SYMBOL_PCT}, ... see {@link Policy})
 * @param targetTtlSec         {@code TARGET_TTL_SEC}: EXPIRE of target hashes, [2, 86400], above the interval; default 300
 * @param redis                exactly one deployment (DESIGN section 11): standalone ({@code REDIS_URL}, else
 *                             {@code REDIS_HOST}/{@code REDIS_PORT}/{@code REDIS_DB}), Sentinel ({@code REDIS_SENTINELS},
 *                             {@code REDIS_SENTINEL_MASTER}, {@code REDIS_SENTINEL_PASSWORD}) or Cluster
 *                             ({@code REDIS_CLUSTER_NODES}); data-node login from {@code REDIS_USERNAME}/{@code REDIS_PASSWORD},
 *                             TLS from {@code rediss://} or {@code REDIS_TLS}
 * @param clusterMapFile       {@code P29_CLUSTER_MAP_FILE}: optional static symbol -> cluster JSON
 * @param decisionStreamMaxLen {@code P29_DECISION_STREAM_MAXLEN}: MAXLEN ~ of the decision stream, default 100000
 * @param logLevel             {@code LOG_LEVEL}: TRACE, DEBUG, INFO (default), WARN, ERROR
 * @param logFormat            {@code LOG_FORMAT}: text (default) or json
 * @param redisTlsCaFile       {@code REDIS_TLS_CA_FILE}: PEM CA certificates trusted for {@code rediss://} (default: the JVM's)
 * @param leaseSec             {@code P29_LEASE_SEC}: life of the writer's lease, [2 x interval, 3600], and lease + interval
 *                             below {@code TARGET_TTL_SEC} (a takeover lands before the targets expire); default 15
 * @param instanceId           {@code P29_INSTANCE_ID}: this runner's name in the lease, the logs and the state; default host-pid
 * @param minChangePct         {@code P29_MIN_CHANGE_PCT}: a target is rewritten when it moved by more than this share of the
 *                             written value, [0, 0.1]; default 0.001 (DESIGN section 12)
 * @param targetRefreshSec     {@code P29_TARGET_REFRESH_SEC}: an unchanged target is rewritten when this old, [1, 299], below
 *                             {@code TARGET_TTL_SEC} and at least the interval; default 30
 * @param cycleStreamMaxLen    {@code P29_CYCLE_STREAM_MAXLEN}: MAXLEN ~ of the cycle stream, default 50000 (~69 h at 5 s)
 * @param yieldAfterCycles     {@code P29_YIELD_AFTER_CYCLES}: a leader that completed no write in this many cycles while a
 *                             standby computed gives the lease up, [1, 100]; default 3 (DESIGN section 16)
 * @param maxClockOffsetSec    {@code P29_MAX_CLOCK_OFFSET_SEC}: this host's clock further than this from Redis's is logged,
 *                             [0.1, 3600]; default 5
 * @param maxSymbols           {@code P29_MAX_SYMBOLS}: the most symbols a cycle reads, [1, 10,000,000]; default the heap's
 *                             capacity, {@link #capacity(long)} of the JVM's max heap (DESIGN section 16, docs/performance.md)
 * @param logTargets           {@code P29_LOG_TARGETS}: changed targets logged per cycle as {@code SYMBOL: target=$X ...},
 *                             [0, 10000]; default 20
 * @param incremental          {@code P29_INCREMENTAL}: read only what changed and start a cycle on a change; default true
 * @param fullReadSec          {@code P29_FULL_READ_SEC}: with incremental reads, every input read (and compared) this often, [5, 3600];
 *                             default 60
 * @param minCycleGapMs        {@code P29_MIN_CYCLE_GAP_MS}: a cycle a change starts waits this long after the last start,
 *                             [10, 60000] below the interval; default 200
 */
public record Config(
        Mode mode,
        int intervalSec,
        String metricsBind,
        int metricsPort,
        Policy policy,
        long targetTtlSec,
        RedisDeployment redis,
        Optional<Path> clusterMapFile,
        long decisionStreamMaxLen,
        String logLevel,
        LogFormat logFormat,
        Optional<Path> redisTlsCaFile,
        int leaseSec,
        String instanceId,
        double minChangePct,
        int targetRefreshSec,
        long cycleStreamMaxLen,
        int yieldAfterCycles,
        double maxClockOffsetSec,
        int maxSymbols,
        int logTargets,
        boolean incremental,
        int fullReadSec,
        int minCycleGapMs) {

    /** {@code LOG_FORMAT}: one line of text per event, or one JSON object per line. */
    public enum LogFormat { TEXT, JSON }


    /** Every variable this service reads: the names of {@link Variable}. */
    public static final Set<String> KNOWN = known();

    private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

    public Config {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(metricsBind, "metricsBind");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(clusterMapFile, "clusterMapFile");
        Objects.requireNonNull(logLevel, "logLevel");
        Objects.requireNonNull(logFormat, "logFormat");
        Objects.requireNonNull(redisTlsCaFile, "redisTlsCaFile");
    }

    /** The configuration from environment-style variables; absent ones take their defaults. */
    public static Config fromEnv(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        for (String name : KNOWN) {
            String v = env.get(name);
            if (v != null && v.isBlank()) {
                throw new ConfigException(name + ": must not be empty when set (remove the line for the default)");
            }
        }
        Mode mode = mode(P29_MODE.in(env));
        int interval = (int) integer(env, P29_INTERVAL_SEC, 5, 1, 3600);
        String bind = Objects.requireNonNullElse(P29_METRICS_BIND.in(env), "127.0.0.1").strip();
        if (!bind.matches("[A-Za-z0-9.:\\-]{1,253}")) {
            throw new ConfigException(P29_METRICS_BIND + ": must be an IP address or host name, was '" + Scalars.printable(bind) + "'");
        }
        int port = (int) integer(env, P29_METRICS_PORT, 8059, 0, 65535);
        Policy policy;
        try {
            policy = PolicySettings.parse(env);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        long ttl = integer(env, TARGET_TTL_SEC, 300, 2, 86_400);
        if (ttl <= interval) {
            throw new ConfigException(TARGET_TTL_SEC + ": must be above " + P29_INTERVAL_SEC + " (" + interval
                    + ") or targets expire between cycles, was " + ttl);
        }
        long timeoutMs = integer(env, REDIS_TIMEOUT_MS, Math.min(2000, interval * 1000L / 2), 50, 60_000);
        if (timeoutMs >= interval * 1000L) {
            throw new ConfigException(REDIS_TIMEOUT_MS + ": must be below " + P29_INTERVAL_SEC + " x 1000 (" + interval * 1000L
                    + ") so a stalled Redis fails the cycle before the next one is due, was " + timeoutMs);
        }
        RedisDeployment redis = deployment(env, Duration.ofMillis(timeoutMs));
        Optional<Path> mapFile = Optional.ofNullable(P29_CLUSTER_MAP_FILE.in(env)).map(String::strip).map(Path::of);
        long maxLen = integer(env, P29_DECISION_STREAM_MAXLEN, 100_000, 1, 1_000_000_000);
        String level = Objects.requireNonNullElse(LOG_LEVEL.in(env), "INFO").strip().toUpperCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(level)) {
            throw new ConfigException(LOG_LEVEL + ": must be one of TRACE, DEBUG, INFO, WARN, ERROR, was '"
                    + Scalars.printable(LOG_LEVEL.in(env)) + "'");
        }
        LogFormat format = switch (Objects.requireNonNullElse(LOG_FORMAT.in(env), "text").strip().toLowerCase(Locale.ROOT)) {
            case "text" -> LogFormat.TEXT;
            case "json" -> LogFormat.JSON;
            default -> throw new ConfigException(LOG_FORMAT + ": must be text or json, was '" + Scalars.printable(LOG_FORMAT.in(env)) + "'");
        };
        Optional<Path> caFile = Optional.ofNullable(REDIS_TLS_CA_FILE.in(env)).map(String::strip).map(Path::of);
        if (caFile.isPresent() && !redis.tls()) {
            throw new ConfigException(REDIS_TLS_CA_FILE + ": only applies with TLS (a rediss:// " + REDIS_URL + ", or " + REDIS_TLS
                    + "=true with Sentinel or Cluster), was set for " + redis);
        }
        // default 15 s, shortened when a short TARGET_TTL_SEC needs it, never below 2 intervals
        int lease = (int) integer(env, P29_LEASE_SEC, Math.max(2L * interval, Math.min(15, ttl - interval - 1)), 2, 3600);
        if (lease < 2 * interval) {
            throw new ConfigException(P29_LEASE_SEC + ": must be at least 2 x " + P29_INTERVAL_SEC + " (" + 2 * interval
                    + ") so one slow cycle does not lose the lease, was " + lease);
        }
        if (lease + interval >= ttl) {
            throw new ConfigException(P29_LEASE_SEC + ": must be below " + TARGET_TTL_SEC + " - " + P29_INTERVAL_SEC + " (" + (ttl - interval)
                    + ") so a standby takes over before the targets expire, was " + lease);
        }
        String instance = P29_INSTANCE_ID.isSetIn(env) ? P29_INSTANCE_ID.in(env).strip() : defaultInstanceId();
        try {
            Names.checkInstanceId(instance);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        double minChange = decimal(env, P29_MIN_CHANGE_PCT, OutputWriter.DEFAULT_MIN_CHANGE_PCT, 0, 0.1, "a number in [0, 0.1] (0.001 = 0.1 %)");
        int defaultRefresh = Math.max(interval, Math.min((int) OutputWriter.DEFAULT_REFRESH.toSeconds(), (int) ttl - interval - 1));
        int refresh = (int) integer(env, P29_TARGET_REFRESH_SEC, defaultRefresh, 1, 299);
        if (refresh < interval || refresh + interval >= ttl) {
            throw new ConfigException(P29_TARGET_REFRESH_SEC + ": must be at least " + P29_INTERVAL_SEC + " (" + interval + ") and below "
                    + TARGET_TTL_SEC + " - " + P29_INTERVAL_SEC + " (" + (ttl - interval)
                            + ") so an unchanged target is rewritten before it expires, was "
                    + refresh);
        }
        checkGovernorWindow(interval, lease, refresh);
        long cycleMaxLen = integer(env, P29_CYCLE_STREAM_MAXLEN, OutputWriter.DEFAULT_CYCLE_STREAM_MAXLEN, 1, 1_000_000_000);
        int yieldAfter = (int) integer(env, P29_YIELD_AFTER_CYCLES, 3, 1, 100);
        double maxOffset = decimal(env, P29_MAX_CLOCK_OFFSET_SEC, 5, 0.1, 3600, "a number of seconds in [0.1, 3600]");
        int maxSymbols = (int) integer(env, P29_MAX_SYMBOLS, capacity(Runtime.getRuntime().maxMemory()), 1, 10_000_000);
        int logTargets = (int) integer(env, P29_LOG_TARGETS, 20, 0, 10_000);
        boolean incremental = bool(env, P29_INCREMENTAL, true);
        int fullRead = (int) integer(env, P29_FULL_READ_SEC, 60, 5, 3600);
        int gap = (int) integer(env, P29_MIN_CYCLE_GAP_MS, 200, 10, 60_000);
        if (gap >= interval * 1000L) {
            throw new ConfigException(P29_MIN_CYCLE_GAP_MS + ": must be below " + P29_INTERVAL_SEC + " x 1000 (" + interval * 1000L
                    + "), was " + gap);
        }
        return new Config(mode, interval, bind, port, policy, ttl, redis, mapFile, maxLen, level, format, caFile, lease, instance,
                minChange, refresh, cycleMaxLen, yieldAfter, maxOffset, maxSymbols, logTargets, incremental, fullRead, gap);
    }

    /**
     * The age past which the Governor and the capital-efficiency service call a target stale and apply no limit
     * (docs/governor.md): every configuration must keep the targets younger, through a takeover too (DESIGN section 25).
     */
    static final int GOVERNOR_STALE_SEC = 300;

    /**
     * DESIGN section 25: the oldest a target can get on the Governor's side is its refresh age, plus the lease a dead
     * leader's successor waits out, plus one interval to the successor's cycle and one for its write; that must stay
     * below {@link #GOVERNOR_STALE_SEC}, or a killed leader leaves every target stale before the standby writes.
     * ({@code TARGET_TTL_SEC} is held above the lease and the refresh by their own rules; a TTL above 300 s only
     * keeps a target the Governor already calls stale, so it is allowed.)
     */
    private static void checkGovernorWindow(int interval, int lease, int refresh) {
        long worst = (long) refresh + lease + 2L * interval;
        if (worst >= GOVERNOR_STALE_SEC) {
            throw new ConfigException(P29_TARGET_REFRESH_SEC + " + " + P29_LEASE_SEC + " + 2 x " + P29_INTERVAL_SEC + ": must be below "
                    + GOVERNOR_STALE_SEC + " s (the Governor's stale age: a standby must rewrite a dead leader's targets before the"
                    + " Governor calls them stale), was " + refresh + " + " + lease + " + 2 x " + interval + " = " + worst);
        }
    }

    /**
     * Warnings for variables that look like ours but are not ({@code P29_MDOE}): every unknown
     * {@code P29_*} name.
     */
    public static List<String> unknownVariables(Map<String, String> env) {
        List<String> warnings = new ArrayList<>();
        for (String name : new TreeSet<>(env.keySet())) {
            if (KNOWN.contains(name)) {
                continue;
            }
            Optional<String> near = nearest(name);
            if (name.startsWith("P29_")) {
                warnings.add(name + ": unknown P29_* variable, ignored (a typo? " + near.map(n -> "did you mean " + n + "?; ").orElse("")
                        + "known: " + String.join(", ", new TreeSet<>(KNOWN).stream().filter(k -> k.startsWith("P29_")).toList()) + ")");
            } else if (near.isPresent()) {
                warnings.add(name + ": unknown variable, ignored; did you mean " + near.get() + "?");
            }
        }
        return warnings;
    }

    /** {@code "; did you mean X?"} for the known name nearest to {@code name}, or a pointer to the list of variables. */
    public static String didYouMean(String name) {
        return nearest(name).map(n -> "; did you mean " + n + "?").orElse("; the variables are listed in docs/configuration.md");
    }

    /**
     * The known name within two edits (insert, delete, substitute, swap two neighbours) of {@code name}, case aside:
     * {@code MAX_SYMBOL_PTC} -> {@code MAX_SYMBOL_PCT}. Names that far from every known one ({@code PATH}) have none.
     */
    static Optional<String> nearest(String name) {
        String upper = name.toUpperCase(java.util.Locale.ROOT);
        String best = null;
        int bestDistance = 3;
        for (String known : new TreeSet<>(KNOWN)) {
            int d = distance(upper, known);
            if (d < bestDistance) {
                best = known;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Optimal string alignment distance (Damerau-Levenshtein without repeated edits of a substring). */
    private static int distance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 2) {
            return 3;
        }
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /** The effective configuration as variable -> value, the password masked, for check-config and the start log. */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(P29_MODE.name(), mode.wireName());
        out.put(P29_INTERVAL_SEC.name(), Integer.toString(intervalSec));
        out.put(P29_METRICS_BIND.name(), metricsBind);
        out.put(P29_METRICS_PORT.name(), Integer.toString(metricsPort));
        new java.util.TreeMap<>(PolicySettings.of(policy)).forEach(out::put);
        out.put(TARGET_TTL_SEC.name(), Long.toString(targetTtlSec));
        out.put("redis_deployment", redis.kind());
        out.put("redis", redis.toString());
        out.put(REDIS_TIMEOUT_MS.name(), Long.toString(redis.socketTimeout().toMillis()));
        out.put(P29_CLUSTER_MAP_FILE.name(), clusterMapFile.map(Path::toString).orElse("(none)"));
        out.put(P29_DECISION_STREAM_MAXLEN.name(), Long.toString(decisionStreamMaxLen));
        out.put(LOG_LEVEL.name(), logLevel);
        out.put(LOG_FORMAT.name(), logFormat.name().toLowerCase(Locale.ROOT));
        out.put(REDIS_TLS_CA_FILE.name(), redisTlsCaFile.map(Path::toString).orElse("(JVM trust store)"));
        out.put(P29_LEASE_SEC.name(), Integer.toString(leaseSec));
        out.put(P29_INSTANCE_ID.name(), instanceId);
        out.put(P29_MIN_CHANGE_PCT.name(), Scalars.formatDecimal(minChangePct));
        out.put(P29_TARGET_REFRESH_SEC.name(), Integer.toString(targetRefreshSec));
        out.put(P29_CYCLE_STREAM_MAXLEN.name(), Long.toString(cycleStreamMaxLen));
        out.put(P29_YIELD_AFTER_CYCLES.name(), Integer.toString(yieldAfterCycles));
        out.put(P29_MAX_CLOCK_OFFSET_SEC.name(), Scalars.formatDecimal(maxClockOffsetSec));
        out.put(P29_MAX_SYMBOLS.name(), Integer.toString(maxSymbols));
        out.put(P29_LOG_TARGETS.name(), Integer.toString(logTargets));
        out.put(P29_INCREMENTAL.name(), Boolean.toString(incremental));
        out.put(P29_FULL_READ_SEC.name(), Integer.toString(fullReadSec));
        out.put(P29_MIN_CYCLE_GAP_MS.name(), Integer.toString(minCycleGapMs));
        return out;
    }

    /** The static cluster map of {@code P29_CLUSTER_MAP_FILE}, read now; empty without one. */
    public Map<String, String> staticClusterMap() {
        return clusterMapFile.map(ClusterMapFile::load).orElse(Map.of());
    }

    /** {@code host-pid}: the host name cut to the characters an instance id allows, and this process's pid. */
    static String defaultInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "host");
        }
        String clean = host.replaceAll("[^A-Za-z0-9._:-]", "_");
        clean = clean.isEmpty() ? "host" : clean.substring(0, Math.min(clean.length(), 100));
        return clean + "-" + ProcessHandle.current().pid();
    }

    /** Heap a runner needs beside its universe (the JVM's own, Jedis, HTTP, metrics), measured: docs/performance.md. */
    public static final long HEAP_RESERVE_BYTES = 40L << 20;
    /** Peak heap per symbol of a cycle (the first write of a leader, the largest), measured: docs/performance.md. */
    public static final long HEAP_BYTES_PER_SYMBOL = 850;

    /** Peak heap per symbol with incremental reads' input cache (~400 bytes retained per symbol more), measured: docs/performance.md. */
    public static final long HEAP_BYTES_PER_CACHED_SYMBOL = 1_250;

    /**
     * How many symbols' inputs incremental reads keep in a heap of {@code maxHeapBytes}, at least 1,000: a larger universe is
     * read in full each cycle (as with {@code P29_INCREMENTAL=false}), never crowded out of its targets by the cache.
     */
    public static int cacheCapacity(long maxHeapBytes) {
        long n = (maxHeapBytes - HEAP_RESERVE_BYTES) / HEAP_BYTES_PER_CACHED_SYMBOL;
        return (int) Math.max(1_000, Math.min(10_000_000, n));
    }

    /**
     * How many symbols a heap of {@code maxHeapBytes} holds: {@code (heap - reserve) / bytes per symbol}, at least 1,000.
     * Beyond it a cycle reads what fits (DESIGN section 16) instead of ending the JVM with an OutOfMemoryError.
     */
    public static int capacity(long maxHeapBytes) {
        long n = (maxHeapBytes - HEAP_RESERVE_BYTES) / HEAP_BYTES_PER_SYMBOL;
        return (int) Math.max(1_000, Math.min(10_000_000, n));
    }

    /** The loop interval. */
    public Duration interval() {
        return Duration.ofSeconds(intervalSec);
    }

    private static Mode mode(String raw) {
        if (raw == null) {
            return Mode.SHADOW;
        }
        return switch (raw.strip().toLowerCase(Locale.ROOT)) {
            case "shadow" -> Mode.SHADOW;
            case "enforce" -> Mode.ENFORCE;
            default -> throw new ConfigException(P29_MODE + ": must be shadow or enforce, was '" + Scalars.printable(raw) + "'");
        };
    }

    /** Variables that name each deployment; a configuration may set those of one only. */
    private static final Map<String, List<Variable>> DEPLOYMENT_VARIABLES = Map.of(
            "standalone", List.of(REDIS_URL, REDIS_HOST, REDIS_PORT),
            "sentinel", List.of(REDIS_SENTINELS, REDIS_SENTINEL_MASTER, REDIS_SENTINEL_PASSWORD),
            "cluster", List.of(REDIS_CLUSTER_NODES));

    /** Exactly one of standalone, Sentinel and Cluster (none set: standalone on localhost:6379). */
    private static RedisDeployment deployment(Map<String, String> env, Duration timeout) {
        List<String> named = new ArrayList<>();
        List<String> set = new ArrayList<>();
        for (String kind : List.of("standalone", "sentinel", "cluster")) {
            List<String> present = DEPLOYMENT_VARIABLES.get(kind).stream().filter(v -> v.isSetIn(env)).map(Variable::name).toList();
            if (!present.isEmpty()) {
                named.add(kind);
                set.addAll(present);
            }
        }
        if (named.size() > 1) {
            throw new ConfigException(String.join(", ", set) + ": name exactly one Redis deployment (standalone: " + REDIS_URL + " or "
                    + REDIS_HOST + "/" + REDIS_PORT + "; Sentinel: " + REDIS_SENTINELS + " and " + REDIS_SENTINEL_MASTER + "; Cluster: "
                    + REDIS_CLUSTER_NODES + "), were set for " + String.join(" and ", named));
        }
        String kind = named.isEmpty() ? "standalone" : named.get(0);
        if (kind.equals("standalone")) {
            if (REDIS_TLS.isSetIn(env)) {
                throw new ConfigException(REDIS_TLS + ": applies to Sentinel and Cluster only; a standalone Redis takes TLS from a rediss:// "
                        + REDIS_URL + ", was '" + Scalars.printable(REDIS_TLS.in(env)) + "'");
            }
            return new RedisDeployment.Standalone(redis(env, timeout));
        }
        String tlsRaw = Objects.requireNonNullElse(REDIS_TLS.in(env), "false").strip().toLowerCase(Locale.ROOT);
        if (!tlsRaw.equals("true") && !tlsRaw.equals("false")) {
            throw new ConfigException(REDIS_TLS + ": must be true or false, was '" + Scalars.printable(REDIS_TLS.in(env)) + "'");
        }
        if (kind.equals("cluster") && REDIS_DB.isSetIn(env) && !REDIS_DB.in(env).strip().equals("0")) {
            throw new ConfigException(REDIS_DB + ": a Redis Cluster has only database 0, was '" + Scalars.printable(REDIS_DB.in(env)) + "'");
        }
        int db = (int) integer(env, REDIS_DB, 0, 0, 15);
        Access access = new Access(Optional.ofNullable(REDIS_USERNAME.in(env)).map(String::strip),
                Optional.ofNullable(REDIS_PASSWORD.in(env)), db, tlsRaw.equals("true"), timeout, timeout);
        if (kind.equals("cluster")) {
            return new RedisDeployment.Cluster(nodes(env, REDIS_CLUSTER_NODES), access);
        }
        if (!REDIS_SENTINELS.isSetIn(env) || !REDIS_SENTINEL_MASTER.isSetIn(env)) {
            Variable missing = REDIS_SENTINELS.isSetIn(env) ? REDIS_SENTINEL_MASTER : REDIS_SENTINELS;
            throw new ConfigException(missing + ": Sentinel needs both " + REDIS_SENTINELS + " (host:port,...) and " + REDIS_SENTINEL_MASTER
                    + " (the monitored master's name), was not set");
        }
        String master = REDIS_SENTINEL_MASTER.in(env).strip();
        if (!Names.isMasterName(master)) {
            throw new ConfigException(REDIS_SENTINEL_MASTER + ": must be 1-64 characters of [A-Za-z0-9._-], was '" + Scalars.printable(master) + "'");
        }
        return new RedisDeployment.Sentinel(nodes(env, REDIS_SENTINELS), master, Optional.ofNullable(REDIS_SENTINEL_PASSWORD.in(env)), access);
    }

    private static List<HostPort> nodes(Map<String, String> env, Variable name) {
        try {
            return HostPort.parseList(name.in(env));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name + ": " + Scalars.printable(e.getMessage()));
        }
    }

    private static RedisEndpoint redis(Map<String, String> env, Duration timeout) {
        String url = REDIS_URL.in(env);
        if (url != null) {
            try {
                RedisEndpoint fromUrl = RedisEndpoint.fromUrl(url, timeout, timeout);
                String password = REDIS_PASSWORD.in(env);
                String user = REDIS_USERNAME.in(env);
                if ((fromUrl.password().isEmpty() && password != null) || (fromUrl.user().isEmpty() && user != null)) {
                    return new RedisEndpoint(fromUrl.host(), fromUrl.port(), fromUrl.database(),
                            fromUrl.user().or(() -> Optional.ofNullable(user).map(String::strip)),
                            fromUrl.password().or(() -> Optional.ofNullable(password)), fromUrl.tls(), timeout, timeout);
                }
                return fromUrl;
            } catch (IllegalArgumentException e) {
                throw new ConfigException(REDIS_URL + ": " + e.getMessage());
            }
        }
        String host = Objects.requireNonNullElse(REDIS_HOST.in(env), "localhost").strip();
        if (!host.matches("[A-Za-z0-9.:\\-]{1,253}")) {
            throw new ConfigException(REDIS_HOST + ": must be an IP address or host name, was '" + Scalars.printable(host) + "'");
        }
        int port = (int) integer(env, REDIS_PORT, 6379, 1, 65535);
        int db = (int) integer(env, REDIS_DB, 0, 0, 15);
        return new RedisEndpoint(host, port, db, Optional.ofNullable(REDIS_USERNAME.in(env)).map(String::strip),
                Optional.ofNullable(REDIS_PASSWORD.in(env)), false, timeout, timeout);
    }

    private static long integer(Map<String, String> env, Variable name, long defaultValue, long min, long max) {
        String raw = name.in(env);
        if (raw == null) {
            return defaultValue;
        }
        String s = raw.strip();
        if (!s.matches("[0-9]{1,10}")) {
            throw new ConfigException(name + ": must be a whole number in [" + min + ", " + max + "], was '" + Scalars.printable(raw) + "'");
        }
        long v = Long.parseLong(s);
        if (v < min || v > max) {
            throw new ConfigException(name + ": must be in [" + min + ", " + max + "], was " + v);
        }
        return v;
    }

    /** {@code true} or {@code false} (any case), or its default when absent; else one line naming it, the values allowed and the value. */
    private static boolean bool(Map<String, String> env, Variable name, boolean defaultValue) {
        String raw = name.in(env);
        if (raw == null) {
            return defaultValue;
        }
        return switch (raw.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(name + ": must be true or false, was '" + Scalars.printable(raw) + "'");
        };
    }

    /** A decimal variable in [min, max], or its default when absent; else one line naming it, {@code allowed} and the value. */
    private static double decimal(Map<String, String> env, Variable name, double defaultValue, double min, double max, String allowed) {
        String raw = name.in(env);
        if (raw == null) {
            return defaultValue;
        }
        java.util.OptionalDouble v = Scalars.parseNumber(raw.strip());
        if (v.isEmpty() || v.getAsDouble() < min || v.getAsDouble() > max) {
            throw new ConfigException(name + ": must be " + allowed + ", was '" + Scalars.printable(raw) + "'");
        }
        return v.getAsDouble();
    }

    private static Set<String> known() {
        Set<String> names = new TreeSet<>();
        for (Variable v : Variable.values()) {
            names.add(v.name());
        }
        return Set.copyOf(names);
    }
}
