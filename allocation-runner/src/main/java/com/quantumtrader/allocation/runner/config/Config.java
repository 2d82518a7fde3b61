package com.quantumtrader.allocation.runner.config;

import static com.quantumtrader.allocation.runner.config.Variable.*;

import com.quantumtrader.allocation.redis.wire.Names;



import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.core.Scalars;
import com.quantumtrader.allocation.redis.write.OutputWriter;
import com.quantumtrader.allocation.redis.client.RedisDeployment;
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
 * The whole configuration of the service, as a few group records, one per part of the service ({@link Variable.Group}).
 * Built by {@link #fromEnv(Map)} from {@code System.getenv()} (plus an {@code --env-file}) in main, from
 * {@code Map.of(...)} in tests: each group loads its own variables through their declarations ({@link Variable}),
 * then the rules that tie groups together are checked here. Every bad value throws a {@link ConfigException} whose
 * message is one line naming the variable, the value and what is allowed. A variable that is set must not be empty.
 *
 * @param service    the mode, the interval, this runner's name
 * @param http       the HTTP endpoints' address and port
 * @param policy     the rule settings ({@code MAX_SYMBOL_PCT}, ... see {@link Policy} and {@link PolicySettings})
 * @param connection exactly one Redis deployment (DESIGN section 11), its login, TLS and timeout
 * @param writes     the target hashes' TTL, change threshold and refresh; the streams' lengths
 * @param leadership the writer's lease, yielding, the clock's tolerance
 * @param reads      what a cycle reads (the cluster map, the capacity, incremental reads) and how often
 * @param logs       the log's level, format and per-target lines
 * @param recording  the input recorder: where, how often, how long kept
 */
public record Config(Service service, Http http, Policy policy, Connection connection, Writes writes, Leadership leadership, Reads reads,
                     Logs logs, Recording recording) {

    /** {@code LOG_FORMAT}: one line of text per event, or one JSON object per line. */
    public enum LogFormat { TEXT, JSON }

    /** Every variable this service reads: the names of {@link Variable}. */
    public static final Set<String> KNOWN = known();

    public Config {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(writes, "writes");
        Objects.requireNonNull(leadership, "leadership");
        Objects.requireNonNull(reads, "reads");
        Objects.requireNonNull(recording, "recording");
        Objects.requireNonNull(logs, "logs");
    }

    /**
     * {@code P29_MODE}, {@code P29_INTERVAL_SEC}, {@code P29_INSTANCE_ID}.
     *
     * @param mode        shadow (default) or enforce
     * @param intervalSec seconds between cycle starts
     * @param instanceId  this runner's name in the lease, the logs and the state; default host-pid
     */
    public record Service(Mode mode, int intervalSec, String instanceId) {
        public Service {
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(instanceId, "instanceId");
        }

        static Service load(Map<String, String> env) {
            Mode mode = Mode.valueOf(P29_MODE.choice(env).toUpperCase(Locale.ROOT));
            String instance = P29_INSTANCE_ID.isSetIn(env) ? P29_INSTANCE_ID.text(env) : defaultInstanceId();
            try {
                Names.checkInstanceId(instance);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage());
            }
            return new Service(mode, (int) P29_INTERVAL_SEC.whole(env), instance);
        }

        /** The loop interval. */
        public Duration interval() {
            return Duration.ofSeconds(intervalSec);
        }
    }

    /** {@code P29_METRICS_BIND}, {@code P29_METRICS_PORT}: where {@code /metrics}, {@code /healthz}, {@code /readyz} listen. */
    public record Http(String bind, int port) {
        public Http {
            Objects.requireNonNull(bind, "bind");
        }

        static Http load(Map<String, String> env) {
            String bind = P29_METRICS_BIND.text(env);
            if (!bind.matches("[A-Za-z0-9.:\\-]{1,253}")) {
                throw new ConfigException(P29_METRICS_BIND + ": must be an IP address or host name, was '" + Scalars.printable(bind) + "'");
            }
            return new Http(bind, (int) P29_METRICS_PORT.whole(env));
        }
    }

    /**
     * The Redis deployment and how to reach it.
     *
     * @param deployment standalone ({@code REDIS_URL}, else {@code REDIS_HOST}/{@code REDIS_PORT}/{@code REDIS_DB}), Sentinel
     *                   ({@code REDIS_SENTINELS}, {@code REDIS_SENTINEL_MASTER}, {@code REDIS_SENTINEL_PASSWORD}) or Cluster
     *                   ({@code REDIS_CLUSTER_NODES}); login from {@code REDIS_USERNAME}/{@code REDIS_PASSWORD}, TLS from
     *                   {@code rediss://} or {@code REDIS_TLS}, timeouts {@code REDIS_TIMEOUT_MS}
     * @param tlsCaFile  {@code REDIS_TLS_CA_FILE}: PEM CA certificates trusted for TLS (default: the JVM's)
     */
    public record Connection(RedisDeployment deployment, Optional<Path> tlsCaFile) {
        public Connection {
            Objects.requireNonNull(deployment, "deployment");
            Objects.requireNonNull(tlsCaFile, "tlsCaFile");
        }

        static Connection load(Map<String, String> env, int interval) {
            long timeoutMs = REDIS_TIMEOUT_MS.whole(env, Math.min(2000, interval * 1000L / 2));
            if (timeoutMs >= interval * 1000L) {
                throw new ConfigException(REDIS_TIMEOUT_MS + ": must be below " + P29_INTERVAL_SEC + " x 1000 (" + interval * 1000L
                        + ") so a stalled Redis fails the cycle before the next one is due, was " + timeoutMs);
            }
            RedisDeployment redis = Deployments.of(env, Duration.ofMillis(timeoutMs));
            Optional<Path> caFile = Optional.ofNullable(REDIS_TLS_CA_FILE.text(env)).map(Path::of);
            if (caFile.isPresent() && !redis.tls()) {
                throw new ConfigException(REDIS_TLS_CA_FILE + ": only applies with TLS (a rediss:// " + REDIS_URL + ", or " + REDIS_TLS
                        + "=true with Sentinel or Cluster), was set for " + redis);
            }
            return new Connection(redis, caFile);
        }
    }

    /**
     * The target hashes and the streams.
     *
     * @param targetTtlSec         {@code TARGET_TTL_SEC}: EXPIRE of target hashes, above the interval
     * @param minChangePct         {@code P29_MIN_CHANGE_PCT}: a target is rewritten when it moved by more than this share (DESIGN 12)
     * @param targetRefreshSec     {@code P29_TARGET_REFRESH_SEC}: an unchanged target is rewritten when this old
     * @param decisionStreamMaxLen {@code P29_DECISION_STREAM_MAXLEN}: MAXLEN ~ of the decision stream
     * @param cycleStreamMaxLen    {@code P29_CYCLE_STREAM_MAXLEN}: MAXLEN ~ of the cycle stream
     */
    public record Writes(long targetTtlSec, double minChangePct, int targetRefreshSec, long decisionStreamMaxLen, long cycleStreamMaxLen) {
        static Writes load(Map<String, String> env, int interval) {
            long ttl = TARGET_TTL_SEC.whole(env);
            if (ttl <= interval) {
                throw new ConfigException(TARGET_TTL_SEC + ": must be above " + P29_INTERVAL_SEC + " (" + interval
                        + ") or targets expire between cycles, was " + ttl);
            }
            int defaultRefresh = Math.max(interval, Math.min((int) OutputWriter.DEFAULT_REFRESH.toSeconds(), (int) ttl - interval - 1));
            int refresh = (int) P29_TARGET_REFRESH_SEC.whole(env, defaultRefresh);
            if (refresh < interval || refresh + interval >= ttl) {
                throw new ConfigException(P29_TARGET_REFRESH_SEC + ": must be at least " + P29_INTERVAL_SEC + " (" + interval + ") and below "
                        + TARGET_TTL_SEC + " - " + P29_INTERVAL_SEC + " (" + (ttl - interval)
                        + ") so an unchanged target is rewritten before it expires, was " + refresh);
            }
            return new Writes(ttl, P29_MIN_CHANGE_PCT.decimal(env), refresh, P29_DECISION_STREAM_MAXLEN.whole(env),
                    P29_CYCLE_STREAM_MAXLEN.whole(env));
        }

        /** The refresh age. */
        public Duration targetRefresh() {
            return Duration.ofSeconds(targetRefreshSec);
        }
    }

    /**
     * The writer's lease.
     *
     * @param leaseSec          {@code P29_LEASE_SEC}: life of the lease, [2 x interval, 3600], lease + interval below the TTL
     * @param yieldAfterCycles  {@code P29_YIELD_AFTER_CYCLES}: a leader that completed no write in this many cycles while a
     *                          standby computed gives the lease up (DESIGN section 16)
     * @param maxClockOffsetSec {@code P29_MAX_CLOCK_OFFSET_SEC}: this host's clock further than this from Redis's is logged
     */
    public record Leadership(int leaseSec, int yieldAfterCycles, double maxClockOffsetSec) {
        static Leadership load(Map<String, String> env, int interval, long ttl) {
            // default 15 s, shortened when a short TARGET_TTL_SEC needs it, never below 2 intervals
            int lease = (int) P29_LEASE_SEC.whole(env, Math.max(2L * interval, Math.min(15, ttl - interval - 1)));
            if (lease < 2 * interval) {
                throw new ConfigException(P29_LEASE_SEC + ": must be at least 2 x " + P29_INTERVAL_SEC + " (" + 2 * interval
                        + ") so one slow cycle does not lose the lease, was " + lease);
            }
            if (lease + interval >= ttl) {
                throw new ConfigException(P29_LEASE_SEC + ": must be below " + TARGET_TTL_SEC + " - " + P29_INTERVAL_SEC + " ("
                        + (ttl - interval) + ") so a standby takes over before the targets expire, was " + lease);
            }
            return new Leadership(lease, (int) P29_YIELD_AFTER_CYCLES.whole(env), P29_MAX_CLOCK_OFFSET_SEC.decimal(env));
        }
    }

    /**
     * What a cycle reads and when.
     *
     * @param clusterMapFile {@code P29_CLUSTER_MAP_FILE}: optional static symbol -> cluster JSON
     * @param maxSymbols     {@code P29_MAX_SYMBOLS}: the most symbols a cycle reads; default the heap's capacity
     * @param incremental    {@code P29_INCREMENTAL}: read only what changed and start a cycle on a change
     * @param fullReadSec    {@code P29_FULL_READ_SEC}: with incremental reads, every input read (and compared) this often
     * @param minCycleGapMs  {@code P29_MIN_CYCLE_GAP_MS}: a cycle a change starts waits this long after the last start
     */
    public record Reads(Optional<Path> clusterMapFile, int maxSymbols, boolean incremental, int fullReadSec, int minCycleGapMs) {
        public Reads {
            Objects.requireNonNull(clusterMapFile, "clusterMapFile");
        }

        static Reads load(Map<String, String> env, int interval, Heap heap) {
            int gap = (int) P29_MIN_CYCLE_GAP_MS.whole(env);
            if (gap >= interval * 1000L) {
                throw new ConfigException(P29_MIN_CYCLE_GAP_MS + ": must be below " + P29_INTERVAL_SEC + " x 1000 (" + interval * 1000L
                        + "), was " + gap);
            }
            return new Reads(Optional.ofNullable(P29_CLUSTER_MAP_FILE.text(env)).map(Path::of), (int) P29_MAX_SYMBOLS.whole(env, heap.capacity()),
                    P29_INCREMENTAL.flag(env), (int) P29_FULL_READ_SEC.whole(env), gap);
        }
    }

    /**
     * The input recorder (DESIGN section 24).
     *
     * @param dir      {@code P29_RECORD_DIR}: where the leader records its inputs; empty: off
     * @param everySec {@code P29_RECORD_SEC}: seconds between two recorded cycles
     * @param keepDays {@code P29_RECORD_KEEP_DAYS}: recordings older than this are deleted
     */
    public record Recording(Optional<Path> dir, int everySec, int keepDays) {
        public Recording {
            Objects.requireNonNull(dir, "dir");
        }

        static Recording load(Map<String, String> env) {
            return new Recording(Optional.ofNullable(P29_RECORD_DIR.text(env)).map(Path::of), (int) P29_RECORD_SEC.whole(env),
                    (int) P29_RECORD_KEEP_DAYS.whole(env));
        }
    }

    /**
     * The log.
     *
     * @param level   {@code LOG_LEVEL}: TRACE, DEBUG, INFO (default), WARN, ERROR
     * @param format  {@code LOG_FORMAT}: text (default) or json
     * @param targets {@code P29_LOG_TARGETS}: changed targets logged per cycle as {@code SYMBOL: target=$X ...}
     */
    public record Logs(String level, LogFormat format, int targets) {
        public Logs {
            Objects.requireNonNull(level, "level");
            Objects.requireNonNull(format, "format");
        }

        static Logs load(Map<String, String> env) {
            return new Logs(LOG_LEVEL.choice(env), LogFormat.valueOf(LOG_FORMAT.choice(env).toUpperCase(Locale.ROOT)),
                    (int) P29_LOG_TARGETS.whole(env));
        }
    }

    /** The configuration from environment-style variables, for this JVM's heap; absent ones take their defaults. */
    public static Config fromEnv(Map<String, String> env) {
        return fromEnv(env, Heap.ofThisJvm());
    }

    /** The configuration from environment-style variables for a process with {@code heap} ({@code P29_MAX_SYMBOLS}'s default). */
    public static Config fromEnv(Map<String, String> env, Heap heap) {
        Objects.requireNonNull(env, "env");
        for (String name : KNOWN) {
            String v = env.get(name);
            if (v != null && v.isBlank()) {
                throw new ConfigException(name + ": must not be empty when set (remove the line for the default)");
            }
        }
        Service service = Service.load(env);
        int interval = service.intervalSec();
        Http http = Http.load(env);
        Policy policy;
        try {
            policy = PolicySettings.parse(env);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        Writes writes = Writes.load(env, interval);
        Connection connection = Connection.load(env, interval);
        Logs logs = Logs.load(env);
        Leadership leadership = Leadership.load(env, interval, writes.targetTtlSec());
        checkGovernorWindow(interval, leadership.leaseSec(), writes.targetRefreshSec());
        return new Config(service, http, policy, connection, writes, leadership, Reads.load(env, interval, heap), logs,
                Recording.load(env));
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

    /** The effective configuration as variable -> value, by group, the password masked, for check-config and the start log. */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(P29_MODE.name(), service.mode().wireName());
        out.put(P29_INTERVAL_SEC.name(), Integer.toString(service.intervalSec()));
        out.put(P29_INSTANCE_ID.name(), service.instanceId());
        out.put(P29_METRICS_BIND.name(), http.bind());
        out.put(P29_METRICS_PORT.name(), Integer.toString(http.port()));
        new java.util.TreeMap<>(PolicySettings.of(policy)).forEach(out::put);
        out.put("redis_deployment", connection.deployment().kind());
        out.put("redis", connection.deployment().toString());
        out.put(REDIS_TIMEOUT_MS.name(), Long.toString(connection.deployment().socketTimeout().toMillis()));
        out.put(REDIS_TLS_CA_FILE.name(), connection.tlsCaFile().map(Path::toString).orElse("(JVM trust store)"));
        out.put(TARGET_TTL_SEC.name(), Long.toString(writes.targetTtlSec()));
        out.put(P29_MIN_CHANGE_PCT.name(), Scalars.formatDecimal(writes.minChangePct()));
        out.put(P29_TARGET_REFRESH_SEC.name(), Integer.toString(writes.targetRefreshSec()));
        out.put(P29_DECISION_STREAM_MAXLEN.name(), Long.toString(writes.decisionStreamMaxLen()));
        out.put(P29_CYCLE_STREAM_MAXLEN.name(), Long.toString(writes.cycleStreamMaxLen()));
        out.put(P29_LEASE_SEC.name(), Integer.toString(leadership.leaseSec()));
        out.put(P29_YIELD_AFTER_CYCLES.name(), Integer.toString(leadership.yieldAfterCycles()));
        out.put(P29_MAX_CLOCK_OFFSET_SEC.name(), Scalars.formatDecimal(leadership.maxClockOffsetSec()));
        out.put(P29_CLUSTER_MAP_FILE.name(), reads.clusterMapFile().map(Path::toString).orElse("(none)"));
        out.put(P29_MAX_SYMBOLS.name(), Integer.toString(reads.maxSymbols()));
        out.put(P29_INCREMENTAL.name(), Boolean.toString(reads.incremental()));
        out.put(P29_FULL_READ_SEC.name(), Integer.toString(reads.fullReadSec()));
        out.put(P29_MIN_CYCLE_GAP_MS.name(), Integer.toString(reads.minCycleGapMs()));
        out.put(P29_RECORD_DIR.name(), recording.dir().map(Path::toString).orElse("(off)"));
        out.put(P29_RECORD_SEC.name(), Integer.toString(recording.everySec()));
        out.put(P29_RECORD_KEEP_DAYS.name(), Integer.toString(recording.keepDays()));
        out.put(LOG_LEVEL.name(), logs.level());
        out.put(LOG_FORMAT.name(), logs.format().name().toLowerCase(Locale.ROOT));
        out.put(P29_LOG_TARGETS.name(), Integer.toString(logs.targets()));
        return out;
    }

    /** The static cluster map of {@code P29_CLUSTER_MAP_FILE}, read now; empty without one. */
    public Map<String, String> staticClusterMap() {
        return reads.clusterMapFile().map(ClusterMapFile::load).orElse(Map.of());
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

    private static Set<String> known() {
        Set<String> names = new TreeSet<>();
        for (Variable v : Variable.values()) {
            names.add(v.name());
        }
        return Set.copyOf(names);
    }
}
