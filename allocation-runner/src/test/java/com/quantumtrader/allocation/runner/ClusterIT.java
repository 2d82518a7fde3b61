package com.quantumtrader.allocation.runner;

import com.quantumtrader.allocation.redis.read.ReadResult;
import com.quantumtrader.allocation.redis.read.InputReader;
import com.quantumtrader.allocation.redis.client.Access;

import com.quantumtrader.allocation.redis.client.HostPort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.runner.config.PolicySettings;
import com.quantumtrader.allocation.runner.cycle.CycleRunner;
import com.quantumtrader.allocation.core.Allocator;
import com.quantumtrader.allocation.core.CycleResult;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.core.Scalars;
import com.quantumtrader.allocation.redis.read.InputReader;
import com.quantumtrader.allocation.redis.wire.InputHashes;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.write.OutputWriter;
import com.quantumtrader.allocation.redis.read.ReadResult;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisDeployment;
import com.quantumtrader.allocation.redis.GovernorGate;
import com.quantumtrader.allocation.redis.TestRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.MigrateParams;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * DESIGN section 11, Redis Cluster, against three real redis-server processes in cluster mode (slots
 * assigned by the test, no replicas). The keys are arranged and inspected through Jedis's own cluster
 * client (which follows MOVED itself), the way another service would see them.
 */
class ClusterIT {

    static final int SYMBOLS = 1000;
    static final int NODES = 3;

    @TempDir
    Path dir;

    private final List<RedisProcess> nodes = new ArrayList<>();
    private JedisCluster other;

    @BeforeEach
    void startCluster() throws Exception {
        for (int i = 0; i < NODES; i++) {
            nodes.add(RedisProcess.server(dir, "node" + i, TestRedis.freePort(), "cluster-enabled yes",
                    "cluster-config-file nodes-" + i + ".conf", "cluster-node-timeout 1000"));
        }
        try (Jedis first = nodes.get(0).client()) {
            for (int i = 1; i < NODES; i++) {
                first.clusterMeet("127.0.0.1", nodes.get(i).port());
            }
        }
        int per = 16384 / NODES;
        for (int i = 0; i < NODES; i++) {
            int from = i * per;
            int to = i == NODES - 1 ? 16383 : from + per - 1;
            int[] slots = new int[to - from + 1];
            for (int s = from; s <= to; s++) {
                slots[s - from] = s;
            }
            try (Jedis j = nodes.get(i).client()) {
                j.clusterAddSlots(slots);
            }
        }
        ServiceIT.await("cluster_state:ok on every node, all nodes known", Duration.ofSeconds(30), () -> nodes.stream().allMatch(n -> {
            try (Jedis j = n.client()) {
                String info = j.clusterInfo();
                return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + NODES);
            }
        }));
        other = new JedisCluster(new HostAndPort("127.0.0.1", nodes.get(0).port()), 2000);
    }

    @AfterEach
    void stopCluster() {
        if (other != null) {
            other.close();
        }
        nodes.forEach(RedisProcess::kill);
    }

    private RedisConnection connect() {
        return new RedisConnection(deployment(), null);
    }

    private RedisDeployment deployment() {
        List<HostPort> seeds = nodes.stream().map(n -> new HostPort("127.0.0.1", n.port())).toList();
        return new RedisDeployment.Cluster(seeds, new Access(Optional.empty(), Optional.empty(), 0, false,
                Duration.ofSeconds(1), Duration.ofSeconds(2)));
    }

    /**
     * The documented ACL on every node (docs/security.md's line for the server's version, plus operations.md's Cluster
     * additions): a cycle computes and writes as that user, and {@code check-config --probe} (ROLE on every primary) passes.
     */
    @Test
    void acl_documentedUserOnEveryNode_cyclesWriteAndProbePasses() throws Exception {
        String line;
        try (Jedis first = nodes.get(0).client()) {
            line = SecurityIT.aclLine(first, "p29-cluster", "s3cret-cluster-pw") + " +cluster|slots";
        }
        List<String> parts = List.of(line.split(" "));
        for (RedisProcess n : nodes) {
            try (Jedis j = n.client()) {
                j.sendCommand(redis.clients.jedis.Protocol.Command.ACL, parts.subList(1, parts.size()).toArray(new String[0]));
            }
        }
        seed(other);
        List<HostPort> seeds = nodes.stream().map(n -> new HostPort("127.0.0.1", n.port())).toList();
        try (RedisConnection asUser = new RedisConnection(new RedisDeployment.Cluster(seeds, new Access(Optional.of("p29-cluster"),
                Optional.of("s3cret-cluster-pw"), 0, false, Duration.ofSeconds(1), Duration.ofSeconds(2))), null);
             Harness h = new Harness(asUser, Mode.ENFORCE, PolicySettings.parse(Map.of("STALE_DATA_SEC", "3600")))) {
            CycleRunner.Report r = h.runner.run(Instant.now());
            assertTrue(r.computed(), r.failure().orElse("skipped"));
            assertEquals(SYMBOLS, r.written().orElseThrow().targetsWritten(), "written as the documented user");
            assertEquals(NODES, asUser.probe().size(), "ROLE answered by every primary");
        }
    }

    private static String symbol(int i) {
        return String.format("S%04dUSDT", i);
    }

    /** 1,000 budgets over ten clusters, each key on whatever node its slot says. */
    private void seed(JedisCluster j) {
        String ts = Long.toString(Instant.now().getEpochSecond());
        j.hset(Keys.PORTFOLIO, InputHashes.portfolio("2000000", "0.07", ts));
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < SYMBOLS; i++) {
            j.hset(Keys.budget(symbol(i)), InputHashes.budget(Integer.toString(1000 + (i * 37) % 5000), ts));
            map.put(symbol(i), "c" + (i % 10));
        }
        j.hset(Keys.CLUSTER_MAP, map);
        for (int c = 0; c < 10; c++) {
            j.hset(Keys.stress("c" + c), InputHashes.stress(Double.toString(0.05 * c), "0.5", ts));
        }
        j.xadd(Keys.REGIME_STREAM, StreamEntryID.NEW_ENTRY, Map.of("regime", "TREND", "confidence", "0.8", "timestamp", ts));
    }

    /** Every key matching {@code pattern} on every node (SCAN each node, as an operator would). */
    private Set<String> keysOnEveryNode(String pattern) {
        Set<String> keys = new TreeSet<>();
        for (RedisProcess n : nodes) {
            try (Jedis j = n.client()) {
                String cursor = ScanParams.SCAN_POINTER_START;
                do {
                    ScanResult<String> page = j.scan(cursor, new ScanParams().match(pattern).count(1000));
                    keys.addAll(page.getResult());
                    cursor = page.getCursor();
                } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            }
        }
        return keys;
    }

    @Test
    void cycle_thousandSymbolsOverThreePrimaries_everyTargetIsCoresAndRetractRemovesOnlyTargets() throws Exception {
        seed(other);
        Set<Integer> nodesWithBudgets = new HashSet<>();
        for (int i = 0; i < SYMBOLS; i++) {
            nodesWithBudgets.add(JedisClusterCRC16.getSlot(Keys.budget(symbol(i))) / (16384 / NODES));
        }
        assertEquals(NODES, nodesWithBudgets.size(), "the budgets are spread over every primary");

        // what core computes from the inputs as seeded, read back through the cluster client
        ReadResult read;
        try (RedisConnection c = connect()) {
            read = Harness.reader(c).read();
        }
        assertEquals(SYMBOLS, read.decode().budgets().size());
        // discovery: 1 SCAN page per node at these sizes; reads: one pipeline per node, twice (inputs, stress)
        assertTrue(read.roundTrips() <= NODES * (1 + 2), "round trips " + read.roundTrips());

        try (Harness h = new Harness(connect(), Mode.ENFORCE, PolicySettings.parse(Map.of("STALE_DATA_SEC", "3600")))) {
            Instant now = Instant.now();
            CycleRunner.Report report = h.runner.run(now);
            assertTrue(report.computed(), report.failure().orElse("?"));
            assertEquals(Optional.empty(), report.failure());
            CycleResult expected = Allocator.allocate(read.decode(), PolicySettings.parse(Map.of("STALE_DATA_SEC", "3600")), now);
            List<Decision> decisions = report.result().orElseThrow().decisions();
            assertEquals(expected.decisions(), decisions, "the cluster read gives core the same inputs as the seed");
            assertEquals(SYMBOLS, decisions.size());
            for (Decision d : decisions) {
                Map<String, String> target = other.hgetAll(Keys.target(d.symbol()));
                assertEquals(Scalars.formatDecimal(d.targetUsd()), target.get("target_usd"), d.symbol());
                assertEquals(d.cap().wireName(), target.get("cap"), d.symbol());
                assertEquals("enforce", target.get("mode"), d.symbol());
                long ttl = other.ttl(Keys.target(d.symbol()));
                assertTrue(ttl > 0 && ttl <= 300, d.symbol() + " ttl " + ttl);
            }
            assertEquals(SYMBOLS, other.xlen(Keys.DECISION_STREAM));
            assertEquals(SYMBOLS, report.written().orElseThrow().targetsWritten());
            assertEquals("harness", other.hget(Keys.STATE, "instance"));

            // explain on a Cluster (the jar, as an operator runs it): the target hash read from the node that holds it
            Decision one = decisions.get(1);
            ProcessBuilder explain = EndToEndIT.jar("explain", one.symbol(), "--json");
            explain.environment().put("REDIS_CLUSTER_NODES", String.join(",", nodes.stream().map(n -> "127.0.0.1:" + n.port()).toList()));
            explain.environment().put("STALE_DATA_SEC", "3600");
            explain.environment().put("P29_MODE", "enforce");
            Process p = explain.start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            com.fasterxml.jackson.databind.JsonNode chain = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.substring(out.indexOf('{')));
            assertEquals(one.targetUsd(), chain.get("target_usd").asDouble(), 1e-9, out);
            assertEquals(Scalars.formatDecimal(one.targetUsd()), chain.get("in_redis").get("target_usd").asText(), out);

            // The Governor's cached gate on a Cluster: no one link hears every key, so every decision reads, on each node
            try (GovernorGate gate = GovernorGate.open(deployment(), Duration.ofSeconds(300), GovernorGate.Settings.DEFAULTS)) {
                List<GovernorGate.Verdict> verdicts = gate.decideAll(decisions.stream().map(Decision::symbol).toList());
                for (int i = 0; i < decisions.size(); i++) {
                    assertEquals(GovernorGate.Source.ALLOCATION_TARGET, verdicts.get(i).source(), verdicts.get(i).toString());
                    assertEquals(Double.parseDouble(Scalars.formatDecimal(decisions.get(i).targetUsd())), verdicts.get(i).usd().getAsDouble());
                }
                assertEquals(GovernorGate.Source.ALLOCATION_TARGET, gate.decide(symbol(7)).source());
                assertFalse(gate.caching());
                assertEquals(0, gate.hits());

                // a symbol whose budget vanished loses its target in the next cycle, on whatever node it lives
                other.del(Keys.budget(symbol(7)));
                CycleRunner.Report second = h.runner.run(Instant.now());
                assertTrue(second.computed(), second.failure().orElse("?"));
                assertFalse(other.exists(Keys.target(symbol(7))));
                assertEquals(SYMBOLS - 1, keysOnEveryNode(Keys.TARGET_PREFIX + "*").size());
                assertEquals("no target; no usable budget_usd either", gate.decide(symbol(7)).reason());
            }
        }

        // retract: every target on every node, and nothing else
        other.hset("quantum:allocation:target:proposed:S0001USDT", Map.of("target_usd", "1", "cap", "none", "base_budget_usd", "1"));
        other.set(Keys.target("FOREIGN"), "not a hash of ours");
        other.hset(Keys.target("OTHERS"), Map.of("target_usd", "5"));
        try (RedisConnection c = connect()) {
            assertEquals(SYMBOLS - 1, new OutputWriter(c, 300, 100_000).retract());
        }
        assertEquals(Set.of("quantum:allocation:target:proposed:S0001USDT", Keys.target("FOREIGN"), Keys.target("OTHERS")),
                keysOnEveryNode(Keys.TARGET_PREFIX + "*"));
        assertEquals(SYMBOLS - 1, keysOnEveryNode(Keys.BUDGET_PREFIX + "*").size());
        assertEquals(SYMBOLS + 1, other.xlen(Keys.DECISION_STREAM), "1,000 new, 1 removed; retract does not touch the stream");
    }

    @Test
    void cycle_slotMovedDuringResharding_oneCycleFailsCountedTheNextSucceeds() throws Exception {
        seed(other);
        try (Harness h = new Harness(connect(), Mode.ENFORCE, PolicySettings.parse(Map.of("STALE_DATA_SEC", "3600")))) {
            assertTrue(h.runner.run(Instant.now()).computed());

            // move the slot of one budget key to another primary, as redis-cli --cluster reshard does
            String key = Keys.budget(symbol(0));
            int slot = JedisClusterCRC16.getSlot(key);
            RedisProcess source = nodes.get(Math.min(slot / (16384 / NODES), NODES - 1));
            RedisProcess dest = nodes.get((nodes.indexOf(source) + 1) % NODES);
            try (Jedis s = source.client(); Jedis d = dest.client()) {
                String sourceId = s.clusterMyId();
                String destId = d.clusterMyId();
                d.clusterSetSlotImporting(slot, sourceId);
                s.clusterSetSlotMigrating(slot, destId);
                List<String> keys = s.clusterGetKeysInSlot(slot, 1000);
                s.migrate("127.0.0.1", dest.port(), 0, 5000, new MigrateParams(), keys.toArray(new String[0]));
                for (RedisProcess n : nodes) {
                    try (Jedis j = n.client()) {
                        j.clusterSetSlotNode(slot, destId);
                    }
                }
            }
            CycleRunner.Report moved = h.runner.run(Instant.now());
            assertFalse(moved.computed(), "the runner's slot map is stale: this cycle meets MOVED");
            assertTrue(moved.failure().orElseThrow().contains("MOVED"), moved.failure().orElseThrow());
            assertEquals(1.0, h.sample("p29_cycles_total", new String[] {"outcome"}, new String[] {"failed"}), 0.0);

            CycleRunner.Report next = h.runner.run(Instant.now());
            assertTrue(next.computed(), next.failure().orElse("?"));
            assertEquals(SYMBOLS, next.result().orElseThrow().decisions().size());
            assertEquals(Scalars.formatDecimal(next.result().orElseThrow().decisions().get(0).targetUsd()),
                    other.hget(Keys.target(symbol(0)), "target_usd"));
        }
    }

    @Test
    void cycle_primaryKilled_cyclesFailCountedNoCrash_andRecoverWhenItIsBack() throws Exception {
        seed(other);
        try (Harness h = new Harness(connect(), Mode.ENFORCE, PolicySettings.parse(Map.of("STALE_DATA_SEC", "3600")))) {
            assertTrue(h.runner.run(Instant.now()).computed());
            nodes.get(2).kill();
            Map<String, Integer> failures = new LinkedHashMap<>();
            for (int i = 0; i < 4; i++) {
                CycleRunner.Report r = h.runner.run(Instant.now());
                assertFalse(r.computed(), "a third of the keyspace is unreachable: no cycle computes on part of the book");
                failures.merge(r.failure().orElseThrow().replaceAll("[0-9]+", "N"), 1, Integer::sum);
                Thread.sleep(300);
            }
            assertEquals(4.0, h.sample("p29_cycles_total", new String[] {"outcome"}, new String[] {"failed"}), 0.0, failures.toString());

            nodes.get(2).start(); // same port, same nodes.conf: it rejoins with its slots, its keys lost (no persistence)
            ServiceIT.await("cluster_state:ok again on every node", Duration.ofSeconds(30), () -> nodes.stream().allMatch(n -> {
                try (Jedis j = n.client()) {
                    return j.clusterInfo().contains("cluster_state:ok");
                }
            }));
            seed(other); // the upstream services write their keys again
            ServiceIT.await("a computed cycle with every symbol", Duration.ofSeconds(20), () -> {
                CycleRunner.Report r = h.runner.run(Instant.now());
                return r.computed() && r.result().orElseThrow().decisions().size() == SYMBOLS;
            });
            assertEquals(SYMBOLS, keysOnEveryNode(Keys.TARGET_PREFIX + "*").size());
        }
    }
}
