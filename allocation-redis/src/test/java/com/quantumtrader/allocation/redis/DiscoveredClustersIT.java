package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.read.DropCause;
import com.quantumtrader.allocation.redis.read.ReadResult;
import com.quantumtrader.allocation.redis.read.InputReader;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.wire.Keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.core.Allocator;
import com.quantumtrader.allocation.core.CycleResult;
import com.quantumtrader.allocation.core.DataSource;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.core.RejectReason;
import com.quantumtrader.allocation.core.Rejection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * The live stack's discovered clusters (DESIGN section 15) read from a real Redis, in the exact shapes the
 * portfolio-clusters service writes: {@code quantum:portfolio:clusters} a hash of JSON-array strings as Python's
 * {@code json.dumps} prints them, {@code quantum:portfolio:cluster_state:{id}} with {@code updated_ts} an integer
 * string and the service's other fields beside it.
 */
class DiscoveredClustersIT {

    static final Instant NOW = Instant.ofEpochSecond(1_767_225_600L);
    static final int SYMBOLS = 1000;
    static final int CLUSTERS = 50;
    /** Exact for the factors here: 1 - stress with stress a multiple of 0.01. */
    static final double FACTOR_TOLERANCE = 1e-12;

    private final TestRedis redis = TestRedis.shared();
    private Jedis jedis;
    private RedisConnection connection;
    private InputReader reader;

    @BeforeEach
    void setUp() {
        redis.flush();
        jedis = redis.client();
        connection = new RedisConnection(redis.endpoint());
        reader = TestRedis.reader(connection, Map.of());
        Seed.portfolio(jedis, "1000000", "0", NOW);
        Seed.regime(jedis, "TREND", "0.9", NOW);
        Pipeline p = jedis.pipelined();
        for (int i = 0; i < SYMBOLS; i++) {
            p.hset(Keys.budget(symbol(i)), Map.of("budget_usd", "1000", "timestamp", Seed.ts(NOW)));
        }
        p.sync();
    }

    @AfterEach
    void tearDown() {
        connection.close();
        jedis.close();
    }

    static String symbol(int i) {
        return String.format("S%04dUSDT", i);
    }

    static String cluster(int c) {
        return "cluster_" + c;
    }

    /** Stress of cluster c: 0.00 to 0.49. */
    static String stress(int c) {
        return String.format("%.2f", c / 100.0);
    }

    /** 50 clusters of 20 symbols (symbol i in cluster i % 50), written as the live service writes them. */
    private void seedDiscovered(Instant updated) {
        Map<String, String> clusters = new HashMap<>();
        for (int c = 0; c < CLUSTERS; c++) {
            List<String> members = new ArrayList<>();
            for (int i = c; i < SYMBOLS; i += CLUSTERS) {
                members.add('"' + symbol(i) + '"');
            }
            String json = "[" + String.join(", ", members) + "]"; // json.dumps(list): comma and space
            clusters.put(cluster(c), json);
            jedis.hset(Keys.clusterState(cluster(c)), Map.of(
                    "stress", stress(c), "updated_ts", Seed.ts(updated), "symbols", json,
                    "weight", "0.02", "concentration", "0.35", "correlation", "0.71", "notional", "20000.0"));
        }
        jedis.hset(Keys.DISCOVERED_CLUSTERS, clusters);
    }

    private CycleResult allocate(ReadResult read) {
        return Allocator.allocate(read.decode(), Policy.DEFAULTS, NOW);
    }

    @Test
    void read_thousandSymbolsInFiftyDiscoveredClusters_everySymbolInItsClusterWithItsStress_roundTripsUnchanged() {
        seedDiscovered(NOW.minusSeconds(20));
        jedis.hset(Keys.DISCOVERED_CLUSTERS, "cluster_50", "[\"S0000USDT\"]"); // a cluster that no longer exists: no state
        jedis.hset(Keys.DISCOVERED_CLUSTERS, "cluster_51", "[\"S0001USDT\"]");
        jedis.hset(Keys.clusterState("cluster_51"), Map.of("stress", "0.99", "updated_ts", Seed.ts(NOW.minusSeconds(3600))));

        ReadResult first = reader.read(NOW);
        CycleResult result = allocate(first);
        assertEquals(SYMBOLS, result.decisions().size());
        for (Decision d : result.decisions()) {
            int i = Integer.parseInt(d.symbol().substring(1, 5));
            assertEquals(cluster(i % CLUSTERS), d.clusterId(), d.symbol());
            double expected = Math.max(0.3, 1 - (i % CLUSTERS) / 100.0);
            assertTrue(Math.abs(expected - d.clusterFactor()) <= FACTOR_TOLERANCE, d.symbol() + " cluster factor " + d.clusterFactor());
        }
        assertEquals(List.of(), result.rejections(), "nothing rejected: the lingering and the stale cluster are not bad input");
        assertTrue(result.fallbacks().stream().noneMatch(f -> f.source() == DataSource.CLUSTER), "no cluster fallback");
        ReadResult cached = reader.read(NOW);
        assertEquals(TestRedis.incremental().isPresent() ? 2 : 3, cached.roundTrips(), "inputs pipeline (with the discovered hash's HLEN), its"
                + " HGETALL within the bound (DESIGN section 25) and stress pipeline (with the states); with incremental reads no stress"
                + " pipeline: nothing changed, every stress and state hash is cached");

        // The same universe mapped the operator's way (config hash + stress hashes): the same round trips.
        jedis.del(Keys.DISCOVERED_CLUSTERS);
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < SYMBOLS; i++) {
            map.put(symbol(i), cluster(i % CLUSTERS));
        }
        jedis.hset(Keys.CLUSTER_MAP, map);
        for (int c = 0; c < CLUSTERS; c++) {
            Seed.stress(jedis, cluster(c), stress(c), "0", NOW);
        }
        reader.drop(DropCause.FAILED_CYCLE); // the next read walks the keyspace
        ReadResult operator = reader.read(NOW);
        assertEquals(operator.roundTrips() + 1, first.roundTrips(), "round trips with a full scan: discovered vs operator map (the"
                + " discovered hash is read whole after its HLEN)");
        assertEquals(TestRedis.incremental().isPresent() ? 1 : 2, reader.read(NOW).roundTrips());
        assertEquals(SYMBOLS, allocate(operator).decisions().size());
    }

    @Test
    void read_discoveredStateStale_membersFallThroughToTheBudgetsCluster() {
        seedDiscovered(NOW.minusSeconds(61));
        jedis.hset(Keys.budget(symbol(7)), "cluster_id", "majors");

        CycleResult result = allocate(reader.read(NOW));

        Map<String, String> clusterOf = new HashMap<>();
        result.decisions().forEach(d -> clusterOf.put(d.symbol(), d.clusterId()));
        assertEquals("majors", clusterOf.get(symbol(7)));
        assertEquals(Allocator.UNKNOWN_CLUSTER, clusterOf.get(symbol(8)));
    }

    @Test
    void read_discoveredHashOfTheWrongType_rejectedOnce_otherSourcesApply() {
        jedis.set(Keys.DISCOVERED_CLUSTERS, "[\"S0000USDT\"]");
        jedis.hset(Keys.CLUSTER_MAP, symbol(0), "majors");

        ReadResult read = reader.read(NOW);
        CycleResult result = allocate(read);

        assertEquals(List.of(new Rejection(DataSource.CLUSTER_MAP, RejectReason.WRONG_TYPE, Keys.DISCOVERED_CLUSTERS,
                "key holds the wrong Redis type")), result.rejections());
        assertEquals(SYMBOLS, result.decisions().size());
        assertEquals("majors", result.decisions().get(0).clusterId());
    }

    @Test
    void read_garbageMembersAndAStateOfTheWrongType_rejectedPerCluster_theOthersStillMap() {
        seedDiscovered(NOW.minusSeconds(5));
        jedis.hset(Keys.DISCOVERED_CLUSTERS, Map.of(cluster(0), "[\"S0000USDT\"", cluster(1), "{\"S0001USDT\": 1}"));
        jedis.del(Keys.clusterState(cluster(2)));
        jedis.set(Keys.clusterState(cluster(2)), "garbage");

        CycleResult result = allocate(reader.read(NOW));

        assertEquals(List.of(
                        new Rejection(DataSource.CLUSTER_MAP, RejectReason.WRONG_TYPE, cluster(2), "key holds the wrong Redis type"),
                        new Rejection(DataSource.CLUSTER_MAP, RejectReason.INVALID_VALUE, cluster(0),
                                "value '[\"S0000USDT\"' is not a JSON array of symbol names"),
                        new Rejection(DataSource.CLUSTER_MAP, RejectReason.INVALID_VALUE, cluster(1),
                                "value '{\"S0001USDT\": 1}' is not a JSON array of symbol names")),
                result.rejections());
        Map<String, Long> perCluster = new HashMap<>();
        result.decisions().forEach(d -> perCluster.merge(d.clusterId(), 1L, Long::sum));
        assertEquals(60L, perCluster.get(Allocator.UNKNOWN_CLUSTER), "the 20 members of each of the three clusters fall through");
        assertEquals(47, perCluster.size() - 1, "the other 47 clusters map");
    }
}
