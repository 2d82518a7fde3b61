package com.quantumtrader.allocation.runner;

import com.quantumtrader.allocation.redis.client.Access;

import com.quantumtrader.allocation.redis.client.HostPort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.runner.config.Config;
import com.quantumtrader.allocation.runner.config.Heap;
import com.quantumtrader.allocation.runner.config.ConfigException;
import com.quantumtrader.allocation.runner.config.EnvFile;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.redis.client.RedisDeployment;
import com.quantumtrader.allocation.redis.client.RedisEndpoint;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigTest {

    private static RedisEndpoint standalone(Config c) {
        return ((RedisDeployment.Standalone) c.connection().deployment()).endpoint();
    }

    @Test
    void fromEnv_empty_isTheServiceDocumentsDefaults() {
        Config c = Config.fromEnv(Map.of());
        assertEquals(Mode.SHADOW, c.service().mode());
        assertEquals(5, c.service().intervalSec());
        assertEquals(8059, c.http().port());
        assertEquals("127.0.0.1", c.http().bind());
        assertEquals(Config.LogFormat.TEXT, c.logs().format());
        assertEquals(300, c.writes().targetTtlSec());
        assertEquals(Policy.DEFAULTS, c.policy());
        assertEquals(100_000, c.writes().decisionStreamMaxLen());
        assertEquals("localhost", standalone(c).host());
        assertEquals(6379, standalone(c).port());
        assertEquals(0, standalone(c).database());
        assertEquals(Duration.ofMillis(2000), c.connection().deployment().socketTimeout());
        assertEquals(Optional.empty(), c.reads().clusterMapFile());
        assertEquals("INFO", c.logs().level());
    }

    @Test
    void fromEnv_redisUrlWinsOverHostPort() {
        Config c = Config.fromEnv(Map.of("REDIS_URL", "rediss://u:pw@redis.internal:6380/2", "REDIS_HOST", "other", "REDIS_PORT", "1"));
        assertEquals("redis.internal", standalone(c).host());
        assertEquals(6380, standalone(c).port());
        assertEquals(2, standalone(c).database());
        assertTrue(standalone(c).tls());
    }

    @Test
    void fromEnv_redisPasswordAppliesToUrlWithoutOne() {
        Config c = Config.fromEnv(Map.of("REDIS_URL", "redis://h:1/0", "REDIS_PASSWORD", "s3cret"));
        assertEquals(Optional.of("s3cret"), standalone(c).password());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "P29_MODE                   | enforcee | P29_MODE: must be shadow or enforce, was 'enforcee'",
            "P29_MODE                   | \" \"    | P29_MODE: must not be empty when set (remove the line for the default)",
            "P29_INTERVAL_SEC           | 0        | P29_INTERVAL_SEC: must be in [1, 3600], was 0",
            "P29_INTERVAL_SEC           | 2.5      | P29_INTERVAL_SEC: must be a whole number in [1, 3600], was '2.5'",
            "P29_INTERVAL_SEC           | five     | P29_INTERVAL_SEC: must be a whole number in [1, 3600], was 'five'",
            "P29_METRICS_PORT           | 70000    | P29_METRICS_PORT: must be in [0, 65535], was 70000",
            "P29_METRICS_PORT           | -1       | P29_METRICS_PORT: must be a whole number in [0, 65535], was '-1'",
            "P29_METRICS_BIND           | \"a b\"  | P29_METRICS_BIND: must be an IP address or host name, was 'a b'",
            "MAX_SYMBOL_PCT             | 1.5      | MAX_SYMBOL_PCT: must be in (0, 1], was 1.5",
            "MAX_CLUSTER_PCT            | abc      | MAX_CLUSTER_PCT: must be a finite decimal number, was 'abc'",
            "STALE_DATA_SEC             | 0        | STALE_DATA_SEC: must be in [1, 86400] seconds, was 0",
            "DD_LOW_THRESHOLD           | 0.2      | DD_LOW_THRESHOLD: must be below DD_HIGH_THRESHOLD (0.15), was 0.2",
            "CLUSTER_STRESS_MIN         | 2        | CLUSTER_STRESS_MIN: must be <= CLUSTER_STRESS_MAX (1.0), was 2.0",
            "REGIME_FACTOR_TREND        | nan      | REGIME_FACTOR_TREND: must be a finite decimal number, was 'nan'",
            "TARGET_TTL_SEC             | 5        | TARGET_TTL_SEC: must be above P29_INTERVAL_SEC (5) or targets expire between cycles, was 5",
            "TARGET_TTL_SEC             | 1        | TARGET_TTL_SEC: must be in [2, 86400], was 1",
            "REDIS_URL                  | http://x | REDIS_URL: must start with redis:// or rediss://, was http://",
            "REDIS_PORT                 | 0        | REDIS_PORT: must be in [1, 65535], was 0",
            "REDIS_DB                   | 16       | REDIS_DB: must be in [0, 15], was 16",
            "REDIS_HOST                 | h/x      | REDIS_HOST: must be an IP address or host name, was 'h/x'",
            "REDIS_TIMEOUT_MS           | 5000     | REDIS_TIMEOUT_MS: must be below P29_INTERVAL_SEC x 1000 (5000) so a stalled Redis fails the cycle before the next one is due, was 5000",
            "REDIS_TIMEOUT_MS           | 10       | REDIS_TIMEOUT_MS: must be in [50, 60000], was 10",
            "P29_DECISION_STREAM_MAXLEN | 0        | P29_DECISION_STREAM_MAXLEN: must be in [1, 1000000000], was 0",
            "LOG_LEVEL                  | verbose  | LOG_LEVEL: must be one of TRACE, DEBUG, INFO, WARN, ERROR, was 'verbose'",
            "P29_LEASE_SEC              | 9        | P29_LEASE_SEC: must be at least 2 x P29_INTERVAL_SEC (10) so one slow cycle does not lose the lease, was 9",
            "P29_LEASE_SEC              | 296      | P29_LEASE_SEC: must be below TARGET_TTL_SEC - P29_INTERVAL_SEC (295) so a standby takes over before the targets expire, was 296",
            "P29_LEASE_SEC              | 1        | P29_LEASE_SEC: must be in [2, 3600], was 1",
            "P29_INSTANCE_ID            | \"a b\"  | P29_INSTANCE_ID: must be 1-128 characters of [A-Za-z0-9._:-], was 'a b'",
            "REDIS_TLS_CA_FILE          | /ca.pem  | REDIS_TLS_CA_FILE: only applies with TLS (a rediss:// REDIS_URL, or REDIS_TLS=true with Sentinel or Cluster), was set for redis://localhost:6379/0",
            "REDIS_TLS                  | true     | REDIS_TLS: applies to Sentinel and Cluster only; a standalone Redis takes TLS from a rediss:// REDIS_URL, was 'true'",
            "REDIS_CLUSTER_NODES        | h:0      | REDIS_CLUSTER_NODES: entry 'h:0': port must be in [1, 65535], was 0",
            "REDIS_CLUSTER_NODES        | h1,h2:7  | REDIS_CLUSTER_NODES: must be host:port[,host:port...], entry 'h1' is not host:port",
            "REDIS_CLUSTER_NODES        | h:7,h:7  | REDIS_CLUSTER_NODES: entry 'h:7' is listed twice",
            "REDIS_SENTINELS            | h:26379  | REDIS_SENTINEL_MASTER: Sentinel needs both REDIS_SENTINELS (host:port,...) and REDIS_SENTINEL_MASTER (the monitored master's name), was not set",
            "REDIS_SENTINEL_MASTER      | mymaster | REDIS_SENTINELS: Sentinel needs both REDIS_SENTINELS (host:port,...) and REDIS_SENTINEL_MASTER (the monitored master's name), was not set",
            "REDIS_SENTINEL_PASSWORD    | pw       | REDIS_SENTINELS: Sentinel needs both REDIS_SENTINELS (host:port,...) and REDIS_SENTINEL_MASTER (the monitored master's name), was not set",
    })
    void fromEnv_badValue_oneLineNamingVariableRuleAndValue(String name, String value, String message) {
        Map<String, String> env = new HashMap<>();
        env.put(name, value);
        ConfigException e = assertThrows(ConfigException.class, () -> Config.fromEnv(env));
        assertEquals(message, e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "REDIS_URL=redis://h:6379/0 REDIS_SENTINELS=s:26379 REDIS_SENTINEL_MASTER=m | REDIS_URL, REDIS_SENTINELS, REDIS_SENTINEL_MASTER | standalone and sentinel",
            "REDIS_HOST=h REDIS_CLUSTER_NODES=c:7000                                    | REDIS_HOST, REDIS_CLUSTER_NODES                   | standalone and cluster",
            "REDIS_SENTINELS=s:26379 REDIS_SENTINEL_MASTER=m REDIS_CLUSTER_NODES=c:7000 | REDIS_SENTINELS, REDIS_SENTINEL_MASTER, REDIS_CLUSTER_NODES | sentinel and cluster",
            "REDIS_PORT=6380 REDIS_SENTINEL_PASSWORD=x REDIS_CLUSTER_NODES=c:7000       | REDIS_PORT, REDIS_SENTINEL_PASSWORD, REDIS_CLUSTER_NODES | standalone and sentinel and cluster",
    })
    void checkConfig_twoDeployments_exitsTwoWithOneLineNamingThem(String vars, String named, String kinds) throws java.io.IOException {
        java.nio.file.Path env = java.nio.file.Path.of("target", "two-deployments.env");
        java.nio.file.Files.writeString(env, String.join("\n", vars.split(" ")) + "\n");
        String[] r = OnceSnapshotTest.run("check-config", "--env-file", env.toString());
        assertEquals("2", r[0], r[1] + r[2]);
        List<String> lines = r[2].lines().filter(l -> !l.isBlank()).toList();
        assertEquals(List.of("configuration error: " + named + ": name exactly one Redis deployment (standalone: REDIS_URL or "
                + "REDIS_HOST/REDIS_PORT; Sentinel: REDIS_SENTINELS and REDIS_SENTINEL_MASTER; Cluster: REDIS_CLUSTER_NODES), were set for "
                + kinds), lines);
    }

    @ParameterizedTest(name = "{0} MB -> {1}")
    @CsvSource({"128, 108558", "96, 69082", "256, 266461", "32, 1000", "1024, 1213880"})
    void capacity_heapMinusReserveOverBytesPerSymbol_atLeastAThousand(long heapMb, int symbols) {
        // The JVM's maxMemory() under the unit's flags leaves one survivor space out (121.3 MiB of -Xmx128m: 100,385 symbols)
        assertEquals(symbols, new com.quantumtrader.allocation.runner.config.Heap(heapMb << 20).capacity(), "capacity of " + heapMb + " MB");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "P29_MAX_SYMBOLS          | 0     | P29_MAX_SYMBOLS: must be in [1, 10000000], was 0",
            "P29_MAX_SYMBOLS          | lots  | P29_MAX_SYMBOLS: must be a whole number in [1, 10000000], was 'lots'",
            "P29_YIELD_AFTER_CYCLES   | 0     | P29_YIELD_AFTER_CYCLES: must be in [1, 100], was 0",
            "P29_MAX_CLOCK_OFFSET_SEC | 0.01  | P29_MAX_CLOCK_OFFSET_SEC: must be a number of seconds in [0.1, 3600], was '0.01'",
            "P29_MAX_CLOCK_OFFSET_SEC | NaN   | P29_MAX_CLOCK_OFFSET_SEC: must be a number of seconds in [0.1, 3600], was 'NaN'",
    })
    void fromEnv_badReliabilityVariable_oneLineNamingItsRule(String name, String value, String message) {
        ConfigException e = assertThrows(ConfigException.class, () -> Config.fromEnv(Map.of(name, value)));
        assertEquals(message, e.getMessage());
    }

    /** DESIGN section 25: refresh + lease + 2 intervals past the Governor's 300 s leaves a dead leader's targets stale. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "TARGET_TTL_SEC=86400 P29_LEASE_SEC=3600      | 30 + 3600 + 2 x 5 = 3640",
            "TARGET_TTL_SEC=1000 P29_TARGET_REFRESH_SEC=290 | 290 + 15 + 2 x 5 = 315",
            "P29_INTERVAL_SEC=60 REDIS_TIMEOUT_MS=2000    | 60 + 120 + 2 x 60 = 300",
    })
    void fromEnv_targetsStaleBeforeATakeoverLands_refusedNamingTheRule(String vars, String sum) {
        Map<String, String> env = new HashMap<>();
        for (String kv : vars.split(" ")) {
            env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        ConfigException e = assertThrows(ConfigException.class, () -> Config.fromEnv(env));
        assertEquals("P29_TARGET_REFRESH_SEC + P29_LEASE_SEC + 2 x P29_INTERVAL_SEC: must be below 300 s (the Governor's stale age:"
                + " a standby must rewrite a dead leader's targets before the Governor calls them stale), was " + sum, e.getMessage());
    }

    @Test
    void fromEnv_longestWindowBelowTheGovernorsAge_accepted() {
        Config c = Config.fromEnv(Map.of("TARGET_TTL_SEC", "1000", "P29_TARGET_REFRESH_SEC", "200", "P29_LEASE_SEC", "89"));
        assertEquals(200 + 89 + 2 * 5, c.writes().targetRefreshSec() + c.leadership().leaseSec() + 2 * c.service().intervalSec());
    }

    @Test
    void checkConfig_staleAfterTakeover_exitsTwo() throws java.io.IOException {
        java.nio.file.Path env = java.nio.file.Path.of("target", "stale-takeover.env");
        java.nio.file.Files.writeString(env, "TARGET_TTL_SEC=86400\nP29_LEASE_SEC=3600\n");
        String[] r = OnceSnapshotTest.run("check-config", "--env-file", env.toString());
        assertEquals("2", r[0], r[1] + r[2]);
        assertTrue(r[2].contains("P29_TARGET_REFRESH_SEC + P29_LEASE_SEC + 2 x P29_INTERVAL_SEC: must be below 300 s"), r[2]);
    }

    @Test
    void checkConfig_printsTheHeapsCapacityAndP29MaxSymbols() throws java.io.IOException {
        java.nio.file.Path env = java.nio.file.Path.of("target", "capacity.env");
        java.nio.file.Files.writeString(env, "P29_MAX_SYMBOLS=5000\n");
        String[] r = OnceSnapshotTest.run("check-config", "--env-file", env.toString());
        assertEquals("0", r[0], r[1] + r[2]);
        assertTrue(r[1].contains("P29_MAX_SYMBOLS=5000"), r[1]);
        // The unit's heap (issue 38: not the wrapper JVM's own): the shipped unit's -Xmx320m when none is installed here.
        assertTrue(java.util.regex.Pattern.compile("capacity: the service's heap \\(-Xmx 320 MB, [^)]*\\) holds 345,413 symbols \\(\\(heap - 40 MB\\)"
                + " / 850 bytes per symbol, docs/performance.md\\); P29_MAX_SYMBOLS=5,000").matcher(r[1]).find()
                || java.nio.file.Files.exists(java.nio.file.Path.of("/etc/systemd/system/quantum-capital-allocation.service")), r[1]);
    }

    @ParameterizedTest(name = "--heap {0}: {1} symbols")
    @CsvSource({"320m, '345,413'", "2g, '2,477,106'", "1048576k, '1,213,880'"})
    void checkConfig_heapOption_judgesThatHeapNotItsOwn(String heap, String symbols) throws java.io.IOException {
        java.nio.file.Path env = java.nio.file.Path.of("target", "capacity.env");
        java.nio.file.Files.writeString(env, "P29_MAX_SYMBOLS=5000\n");
        String[] r = OnceSnapshotTest.run("check-config", "--env-file", env.toString(), "--heap", heap);
        assertEquals("0", r[0], r[1] + r[2]);
        assertTrue(r[1].contains("(-Xmx " + (Heap.parse(heap).maxBytes() >> 20) + " MB, --heap " + heap + ") holds " + symbols + " symbols"), r[1]);
    }

    @Test
    void heapOfUnit_theShippedUnit_is320m() {
        assertEquals(Optional.of(Heap.parse("320m")), Heap.ofUnit(java.nio.file.Path.of("..", "deploy", "quantum-capital-allocation.service")));
    }

    @Test
    void fromEnv_sentinel_primaryFromTheSentinelsWithDataNodeLogin() {
        Config c = Config.fromEnv(Map.of("REDIS_SENTINELS", "s1:26379, s2:26380", "REDIS_SENTINEL_MASTER", "mymaster",
                "REDIS_SENTINEL_PASSWORD", "sp", "REDIS_USERNAME", "p29", "REDIS_PASSWORD", "dp", "REDIS_DB", "3", "REDIS_TLS", "true"));
        RedisDeployment.Sentinel s = (RedisDeployment.Sentinel) c.connection().deployment();
        assertEquals(List.of(new HostPort("s1", 26379), new HostPort("s2", 26380)), s.sentinels());
        assertEquals("mymaster", s.master());
        assertEquals(Optional.of("sp"), s.sentinelPassword());
        assertEquals(new Access(Optional.of("p29"), Optional.of("dp"), 3, true, Duration.ofMillis(2000), Duration.ofMillis(2000)),
                s.data());
        assertEquals("sentinel", c.describe().get("redis_deployment"));
        assertFalse(c.describe().toString().contains("dp") || c.describe().toString().contains("sp,"), c.describe().toString());
    }

    @Test
    void fromEnv_cluster_seedsAndDatabaseZeroOnly() {
        Config c = Config.fromEnv(Map.of("REDIS_CLUSTER_NODES", "10.0.0.1:7000,10.0.0.2:7000,[::1]:7001"));
        RedisDeployment.Cluster cl = (RedisDeployment.Cluster) c.connection().deployment();
        assertEquals(3, cl.seeds().size());
        assertEquals("::1", cl.seeds().get(2).socketHost());
        assertEquals("cluster", c.describe().get("redis_deployment"));
        ConfigException e = assertThrows(ConfigException.class, () -> Config.fromEnv(Map.of("REDIS_CLUSTER_NODES", "h:7000", "REDIS_DB", "2")));
        assertEquals("REDIS_DB: a Redis Cluster has only database 0, was '2'", e.getMessage());
        e = assertThrows(ConfigException.class, () -> Config.fromEnv(Map.of("REDIS_CLUSTER_NODES", "h:7000", "REDIS_TLS", "yes")));
        assertEquals("REDIS_TLS: must be true or false, was 'yes'", e.getMessage());
    }

    @Test
    void fromEnv_leaseAndInstance_defaultsAndShortTtl() {
        Config c = Config.fromEnv(Map.of());
        assertEquals(15, c.leadership().leaseSec());
        assertTrue(c.service().instanceId().matches("[A-Za-z0-9._:-]+-" + ProcessHandle.current().pid()), c.service().instanceId());
        // a short TTL shortens the default lease so a takeover still lands before the targets expire
        assertEquals(4, Config.fromEnv(Map.of("P29_INTERVAL_SEC", "1", "TARGET_TTL_SEC", "6")).leadership().leaseSec());
        assertEquals("alloc-a", Config.fromEnv(Map.of("P29_INSTANCE_ID", "alloc-a")).service().instanceId());
    }

    @Test
    void fromEnv_badUrlWithPassword_messageNeverContainsPassword() {
        ConfigException e = assertThrows(ConfigException.class, () -> Config.fromEnv(Map.of("REDIS_URL", "redis://u:hunter2@h:1/99")));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void describe_masksPassword() {
        Config c = Config.fromEnv(Map.of("REDIS_URL", "redis://alloc:hunter2@h:1/0"));
        assertEquals("redis://alloc:***@h:1/0", c.describe().get("redis"));
        assertFalse(c.describe().toString().contains("hunter2"));
        Config c2 = Config.fromEnv(Map.of("REDIS_PASSWORD", "hunter2"));
        assertFalse(c2.describe().toString().contains("hunter2"));
    }

    @Test
    void unknownVariables_typos_areWarnedAbout() {
        List<String> w = Config.unknownVariables(Map.of("P29_MDOE", "enforce", "P29_MODE", "shadow", "PATH", "/bin"));
        assertEquals(1, w.size());
        assertTrue(w.get(0).startsWith("P29_MDOE: unknown P29_* variable, ignored"), w.get(0));
    }

    @Test
    void deployEnvFile_everyVariableWithTheDefaults() {
        Map<String, String> file = EnvFile.read(java.nio.file.Path.of("..", "deploy", "capital-allocation.env"));
        for (String name : Config.KNOWN) {
            boolean optional = name.equals("REDIS_URL") || name.equals("REDIS_PASSWORD") || name.equals("P29_CLUSTER_MAP_FILE")
                    || name.equals("REDIS_TLS_CA_FILE") || name.equals("P29_INSTANCE_ID") || name.equals("REDIS_USERNAME")
                    || name.equals("REDIS_TLS") || name.startsWith("REDIS_SENTINEL") || name.equals("REDIS_CLUSTER_NODES")
                    || name.equals("P29_MAX_SYMBOLS"); // its default is the heap's capacity, which the unit's -Xmx sets
            assertTrue(optional || file.containsKey(name), "deploy/capital-allocation.env sets " + name);
        }
        // every value is the default, except the hysteresis (DESIGN section 13), the book limits (section 17) and the recorder
        // (section 24) it turns on
        assertEquals(Config.fromEnv(Map.of("DD_HYSTERESIS", "0.005", "DD_RELAX_SEC", "300", "MAX_GROSS_PCT", "1.0", "P29_MAX_RAISE_PCT", "0.10",
                "P29_RECORD_DIR", "/var/lib/quantum/capital-allocation/record")), Config.fromEnv(file));
        assertEquals(List.of(), Config.unknownVariables(file));
    }

    static java.util.stream.Stream<String> everyVariable() {
        return Config.KNOWN.stream().sorted();
    }

    @ParameterizedTest(name = "{0}=''")
    @org.junit.jupiter.params.provider.MethodSource("everyVariable")
    void fromEnv_everyVariableEmpty_oneLineNamingIt(String name) {
        ConfigException e = assertThrows(ConfigException.class, () -> Config.fromEnv(Map.of(name, "")));
        assertEquals(name + ": must not be empty when set (remove the line for the default)", e.getMessage());
    }

    @Test
    void checkConfig_missingClusterMapFileOrCaFile_exitsTwoWithOneLine() {
        java.nio.file.Path env = java.nio.file.Path.of("target", "bad-files.env");
        for (String line : List.of("P29_CLUSTER_MAP_FILE=/nonexistent/map.json",
                "REDIS_URL=rediss://h:6380/0\nREDIS_TLS_CA_FILE=/nonexistent/ca.pem")) {
            try {
                java.nio.file.Files.writeString(env, line + "\n");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            String[] r = OnceSnapshotTest.run("check-config", "--env-file", env.toString());
            assertEquals("2", r[0], r[1] + r[2]);
            List<String> lines = r[2].lines().filter(l -> !l.isBlank()).toList();
            assertEquals(1, lines.size(), r[2]);
            assertTrue(lines.get(0).startsWith("configuration error: P29_CLUSTER_MAP_FILE: cannot read /nonexistent/map.json")
                    || lines.get(0).startsWith("configuration error: REDIS_TLS_CA_FILE: cannot read CA certificates from /nonexistent/ca.pem"), lines.get(0));
        }
    }
}
