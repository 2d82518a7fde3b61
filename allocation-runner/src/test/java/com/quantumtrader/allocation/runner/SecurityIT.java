package com.quantumtrader.allocation.runner;

import com.quantumtrader.allocation.redis.read.ReadResult;
import com.quantumtrader.allocation.redis.read.InputReader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.runner.cli.Wiring;
import com.quantumtrader.allocation.runner.config.Config;
import com.quantumtrader.allocation.runner.cycle.CycleRunner;
import ch.qos.logback.classic.Level;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.redis.Control;
import com.quantumtrader.allocation.redis.wire.ControlHash;
import com.quantumtrader.allocation.redis.wire.Decoded;
import com.quantumtrader.allocation.redis.read.InputReader;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.write.OutputWriter;
import com.quantumtrader.allocation.redis.read.ReadResult;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisEndpoint;
import com.quantumtrader.allocation.redis.client.RedisFailure;
import com.quantumtrader.allocation.redis.wire.StateHash;
import com.quantumtrader.allocation.redis.TestRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

/** Least privilege (the ACL of docs/security.md), TLS, and passwords that never leak. */
class SecurityIT {

    static final String PASSWORD = "s3cr3t-PW-7f1c";

    private final TestRedis redis = TestRedis.shared();

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        redis.flush();
    }

    /** The ACL SETUSER line of docs/security.md for this server's major version, with a password. */
    static String aclLine(Jedis admin, String user, String password) throws Exception {
        String version = admin.info("server").lines().filter(l -> l.startsWith("redis_version:")).findFirst().orElseThrow().substring(14).strip();
        String marker = Integer.parseInt(version.split("\\.")[0]) >= 7 ? "<!-- acl:redis7 -->" : "<!-- acl:redis6 -->";
        List<String> doc = Files.readAllLines(Path.of("..", "docs", "security.md"));
        int at = doc.indexOf(marker);
        assertTrue(at >= 0, "docs/security.md has " + marker);
        return doc.get(at + 2).replace("p29-allocation", user).replace(">CHANGE-ME", ">" + password);
    }

    private static void acl(Jedis admin, String line) {
        List<String> parts = List.of(line.split(" "));
        admin.sendCommand(Protocol.Command.ACL, parts.subList(1, parts.size()).toArray(new String[0]));
    }

    private RedisEndpoint as(String user, String password) {
        RedisEndpoint e = redis.endpoint();
        return new RedisEndpoint(e.host(), e.port(), e.database(), Optional.of(user), Optional.of(password), false,
                Duration.ofSeconds(1), Duration.ofSeconds(5));
    }

    @Test
    void acl_documentedUser_runsEnforceCyclesAndRetract_userWithoutWrites_failsCountedNoCrash() throws Exception {
        try (Jedis admin = redis.client()) {
            acl(admin, aclLine(admin, "p29-test", PASSWORD));
            acl(admin, aclLine(admin, "p29-readonly", PASSWORD).replace(" +del +hset +expire +xadd", ""));
            try {
                ServiceIT.seed(admin, "BTCUSDT", "ETHUSDT");
                Instant now = Instant.now();
                // The live stack's clusters: the ACL must let the reader HGETALL the map and HMGET a cluster's state.
                admin.hdel(Keys.CLUSTER_MAP, "BTCUSDT");
                admin.hset(Keys.DISCOVERED_CLUSTERS, "cluster_0", "[\"BTCUSDT\"]");
                admin.hset(Keys.clusterState("cluster_0"), Map.of("stress", "0.3", "updated_ts", Long.toString(now.getEpochSecond())));
                try (Harness h = new Harness(new RedisConnection(as("p29-test", PASSWORD)), Mode.ENFORCE)) {
                    List<ReadResult.Cache.Kind> reads = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                        CycleRunner.Report r = h.runner.run(now.plusSeconds(i));
                        assertTrue(r.computed(), r.failure().orElse("skipped"));
                        reads.add(r.phases().reads());
                    }
                    // the documented ACL lets the invalidation link track the inputs (CLIENT TRACKING, SUBSCRIBE, its channel)
                    assertEquals(TestRedis.incremental().isPresent() ? List.of(ReadResult.Cache.Kind.FULL, ReadResult.Cache.Kind.INCREMENTAL,
                            ReadResult.Cache.Kind.INCREMENTAL) : List.of(ReadResult.Cache.Kind.OFF, ReadResult.Cache.Kind.OFF,
                            ReadResult.Cache.Kind.OFF), reads);
                    assertTrue(admin.exists(Keys.target("BTCUSDT")));
                    assertEquals("cluster_0", admin.hget(Keys.target("BTCUSDT"), "cluster_id"));
                    assertEquals(2, new OutputWriter(h.redis, 300, 1000).retract());
                    assertTrue(admin.exists(Keys.LEADER), "retract leaves the lease alone");
                    // check-config --probe sends ROLE: the documented user may (issue: it once could not on standalone), as a process too
                    assertEquals(List.of(redis.endpoint().host() + ":" + redis.endpoint().port() + ": role master"), h.redis.probe());
                    ProcessBuilder pb = EndToEndIT.jar("check-config", "--probe");
                    pb.environment().put("REDIS_URL", "redis://p29-test:" + PASSWORD + "@" + redis.endpoint().host() + ":" + redis.endpoint().port() + "/0");
                    Process probe = pb.start();
                    String probed = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertTrue(probe.waitFor(30, TimeUnit.SECONDS));
                    assertEquals(0, probe.exitValue(), probed);
                    assertTrue(probed.contains("probe: OK"), probed);
                }
                admin.del(Keys.LEADER); // the next runner takes the lease (its SET is allowed), then cannot write
                try (Harness h = new Harness(new RedisConnection(as("p29-readonly", PASSWORD)), Mode.ENFORCE)) {
                    for (int i = 0; i < 3; i++) {
                        CycleRunner.Report r = h.runner.run(now.plusSeconds(i));
                        assertTrue(r.failure().isPresent());
                        assertTrue(r.failure().get().contains("(cause: noperm)"), r.failure().get());
                    }
                    assertEquals(3.0, h.sample("p29_cycles_total", new String[] {"outcome"}, new String[] {"failed"}), 0.0);
                    assertEquals(3.0, MetricsScrape.sample(h.metrics.registry, "p29_redis_errors_total", new String[] {"cause"}, new String[] {"noperm"}), 0.0);
                    assertTrue(h.logs.list.stream().anyMatch(e -> e.getFormattedMessage().contains("Allocation cycle failed")
                            && e.getFormattedMessage().contains("(cause: noperm)")));
                }
                assertFalse(admin.exists(Keys.target("BTCUSDT")), "the read-only user wrote nothing");
            } finally {
                admin.sendCommand(Protocol.Command.ACL, "DELUSER", "p29-test", "p29-readonly");
            }
        }
    }

    /**
     * An ACL written before this release (without the discovered clusters' two key patterns) must not fail every cycle:
     * the discovered clusters are an optional input, so each denied read is a counted {@code cluster_map}/{@code denied}
     * rejection and the cycle computes with the operator's map and the budgets' clusters.
     */
    @Test
    void acl_olderAclWithoutDiscoveredClusterKeys_cyclesComputeAndCountDenied() throws Exception {
        try (Jedis admin = redis.client()) {
            String older = aclLine(admin, "p29-older", PASSWORD)
                    .replace(" %R~quantum:portfolio:clusters %R~quantum:portfolio:cluster_state:*", "")
                    .replace(" ~quantum:portfolio:clusters ~quantum:portfolio:cluster_state:*", "")
                    .replace(" +client|id +client|tracking +subscribe &__redis__:invalidate", "");
            assertFalse(older.contains("quantum:portfolio:clusters") || older.contains("tracking"), older);
            acl(admin, older);
            try {
                ServiceIT.seed(admin, "BTCUSDT", "ETHUSDT");
                admin.hset(Keys.DISCOVERED_CLUSTERS, "cluster_0", "[\"ETHUSDT\"]");
                Instant now = Instant.now();
                try (Harness h = new Harness(new RedisConnection(as("p29-older", PASSWORD)), Mode.ENFORCE)) {
                    for (int i = 0; i < 3; i++) {
                        CycleRunner.Report r = h.runner.run(now.plusSeconds(i));
                        assertTrue(r.computed(), r.failure().orElse("skipped"));
                        // no tracking permission: every cycle reads everything, as before incremental reads
                        assertEquals(TestRedis.incremental().isPresent() ? ReadResult.Cache.Kind.FULL : ReadResult.Cache.Kind.OFF, r.phases().reads());
                    }
                    if (TestRedis.incremental().isPresent()) {
                        assertTrue(h.logs.list.stream().anyMatch(e -> e.getLevel() == Level.WARN
                                && e.getFormattedMessage().startsWith("Incremental reads: client tracking unavailable")), "one WARN says why");
                    }
                    assertEquals("c-ETHUSDT", admin.hget(Keys.target("ETHUSDT"), "cluster_id"), "the operator's map applies");
                    assertEquals(3.0, h.sample("p29_input_rejected_total", new String[] {"data_source", "reason"},
                            new String[] {"cluster_map", "denied"}), 0.0);
                }
            } finally {
                admin.sendCommand(Protocol.Command.ACL, "DELUSER", "p29-older");
            }
        }
    }

    @Test
    void acl_documentedOperator_setsShowsClearsControl_cannotTouchTargets() throws Exception {
        try (Jedis admin = redis.client()) {
            List<String> doc = Files.readAllLines(Path.of("..", "docs", "security.md"));
            int at = doc.indexOf("<!-- acl:operator -->");
            assertTrue(at >= 0, "docs/security.md has <!-- acl:operator -->");
            acl(admin, doc.get(at + 2).replace("p29-operator", "p29-op-test").replace(">CHANGE-ME", ">" + PASSWORD));
            try {
                admin.hset(Keys.target("BTCUSDT"), Map.of("target_usd", "1", "cap", "none", "base_budget_usd", "1"));
                try (RedisConnection op = new RedisConnection(as("p29-op-test", PASSWORD))) {
                    Control control = new Control(op);
                    control.set(ControlHash.set(Mode.REDUCE, "incident drill", "ops", Instant.now()));
                    assertEquals(Mode.REDUCE, control.read().orElseThrow().mode());
                    assertEquals("set", control.history(1).get(0).get("action"));
                    assertTrue(control.lastWrite() instanceof Decoded.Invalid<StateHash>, "no writer yet: the state hash is absent");
                    control.clear("drill over", "ops", Instant.now());
                    assertEquals(new Decoded.Invalid<>(ControlHash.ABSENT), control.read());
                }
                try (Jedis op = new Jedis(redis.endpoint().host(), redis.endpoint().port())) {
                    op.auth("p29-op-test", PASSWORD);
                    JedisDataException e = assertThrows(JedisDataException.class, () -> op.del(Keys.target("BTCUSDT")));
                    assertTrue(e.getMessage().startsWith("NOPERM"), e.getMessage());
                }
                assertTrue(admin.exists(Keys.target("BTCUSDT")));
            } finally {
                admin.sendCommand(Protocol.Command.ACL, "DELUSER", "p29-op-test");
            }
        }
    }

    @Test
    void tls_redissWithPrivateCa_readsAndWrites_untrustedCertificate_failsTyped() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "needs openssl to make a certificate");
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key.toString(), "-out", cert.toString())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        int tlsPort = TestRedis.freePort();
        TestRedis.Embedded server = TestRedis.Embedded.start(TestRedis.freePort(), "tls-port " + tlsPort, "tls-cert-file " + cert,
                "tls-key-file " + key, "tls-ca-cert-file " + cert, "tls-auth-clients no");
        try {
            Config config = Config.fromEnv(Map.of("REDIS_URL", "rediss://localhost:" + tlsPort + "/0", "REDIS_TLS_CA_FILE", cert.toString()));
            try (Jedis plain = new Jedis("127.0.0.1", server.port(), 2000)) {
                ServiceIT.seed(plain, "BTCUSDT");
            }
            try (RedisConnection tls = Wiring.connect(config)) {
                var inputs = Harness.reader(tls).read().decode();
                assertEquals(1, inputs.budgets().size());
            }
            Config untrusted = Config.fromEnv(Map.of("REDIS_URL", "rediss://localhost:" + tlsPort + "/0"));
            try (RedisConnection tls = Wiring.connect(untrusted)) {
                RedisFailure e = assertThrows(RedisFailure.class, () -> Harness.reader(tls).read());
                assertTrue(e.getMessage().startsWith("read: "), e.getMessage());
            }
        } finally {
            server.stop();
        }
    }

    @Test
    void secrets_passwordNeverInOutputLogsOrMetrics_rightOrWrongPassword() throws Exception {
        TestRedis.Embedded server = TestRedis.Embedded.start(TestRedis.freePort(), "requirepass " + PASSWORD);
        try {
            try (Jedis j = new Jedis("127.0.0.1", server.port(), 2000)) {
                j.auth(PASSWORD);
                ServiceIT.seed(j, "BTCUSDT");
            }
            int metricsPort = TestRedis.freePort();
            String wrong = "wr0ng-PW-91ab";
            for (String[] credentials : new String[][] {{"REDIS_URL=redis://:" + PASSWORD + "@127.0.0.1:" + server.port() + "/0"},
                    {"REDIS_URL=redis://127.0.0.1:" + server.port() + "/0", "REDIS_PASSWORD=" + wrong}}) {
                Path env = dir.resolve("secret.env");
                Files.writeString(env, String.join("\n", credentials) + "\nP29_MODE=enforce\nP29_INTERVAL_SEC=1\nP29_METRICS_BIND=127.0.0.1\n"
                        + "P29_METRICS_PORT=" + metricsPort + "\nREDIS_TIMEOUT_MS=300\nLOG_LEVEL=DEBUG\n");
                Process check = EndToEndIT.jar("check-config", "--env-file", env.toString()).start();
                assertTrue(check.waitFor(30, TimeUnit.SECONDS));
                String checkOut = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, check.exitValue(), checkOut);
                assertTrue(checkOut.contains("***"), checkOut);

                Path log = dir.resolve("secret.log");
                Process run = EndToEndIT.jar("run", "--env-file", env.toString()).redirectOutput(log.toFile()).start();
                String metrics;
                try {
                    ServiceIT.await("three cycles", Duration.ofSeconds(30), () -> {
                        String m = MetricsScrape.scrape(metricsPort);
                        return m.contains("p29_cycles_total") && MetricsScrape.cycles(m) >= 3;
                    });
                    metrics = MetricsScrape.scrape(metricsPort);
                } finally {
                    run.destroy();
                    assertTrue(run.waitFor(20, TimeUnit.SECONDS));
                }
                assertEquals(0, run.exitValue());
                String all = checkOut + Files.readString(log) + metrics;
                for (String secret : new String[] {PASSWORD, wrong}) {
                    assertFalse(all.contains(secret), "the password appears in output, logs or metrics:\n" + all);
                }
                String logged = Files.readString(log);
                if (credentials.length == 2) {
                    // a wrong password: ERROR naming the cause (at start and each minute), p29_redis_up 0, no CONFIG GET blame
                    assertTrue(logged.matches("(?s).*ERROR .*Allocation cycle failed after [0-9.]+s: Redis .*\\(cause: auth\\).*"), logged);
                    assertTrue(logged.matches("(?s).*ERROR .*Redis is not usable at start \\(.*cause: auth\\).*"), logged);
                    assertFalse(logged.contains("CONFIG GET"), logged);
                    assertEquals(0.0, MetricsScrape.metric(metrics, "p29_redis_up"), metrics);
                } else {
                    assertEquals(1.0, MetricsScrape.metric(metrics, "p29_redis_up"), metrics);
                }
            }
        } finally {
            server.stop();
        }
    }
}
