package com.quantumtrader.allocation.redis.read;

import com.quantumtrader.allocation.redis.Seed;
import com.quantumtrader.allocation.redis.TestRedis;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.wire.Keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.core.SymbolBudget;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Discovery reused between cycles (DESIGN section 12): no SCAN every cycle, a vanished budget drops at once, a new one within 30 s. */
class DiscoveryIT {

    static final Instant NOW = Instant.ofEpochSecond(1_767_225_600L);

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
        Seed.portfolio(jedis, "100000", "0", NOW);
        Seed.budget(jedis, "AAA", "1000", NOW);
        Seed.budget(jedis, "BBB", "1000", NOW);
    }

    @AfterEach
    void tearDown() {
        connection.close();
        jedis.close();
    }

    private static List<String> symbols(ReadResult r) {
        return r.decode().budgets().stream().map(SymbolBudget::symbol).toList();
    }

    @Test
    void read_freshDiscovery_noScan_vanishedBudgetDropsAtOnce_newBudgetAfterTheRescan() {
        InputReader reader = new InputReader(connection, Map.of()); // full reads: with incremental ones a new budget is found at once (IncrementalReadIT)
        ReadResult first = reader.read(NOW);
        assertEquals(List.of("AAA", "BBB"), symbols(first));
        assertEquals(2, first.roundTrips(), "one SCAN page, the inputs (no cluster in use: no stress pipeline)");

        jedis.del(Keys.budget("BBB"));
        Seed.budget(jedis, "CCC", "1000", NOW);
        ReadResult second = reader.read(NOW.plusSeconds(5));
        assertEquals(1, second.roundTrips(), "no SCAN: the inputs");
        assertEquals(List.of("AAA"), symbols(second), "BBB vanished: out in this cycle; CCC not yet discovered");
        assertEquals(List.of(), second.decode().rejections(), "a vanished budget is not a rejection");

        ReadResult last = reader.read(NOW.plus(Discovery.RESCAN));
        assertEquals(List.of("AAA", "CCC"), symbols(last), "the discovery is RESCAN old: the keyspace is walked again");
        assertEquals(2, last.roundTrips());
        assertEquals(NOW.plus(Discovery.RESCAN), last.discovery().scannedAt());
    }

    @Test
    void read_discoveryFromTheFuture_clockSteppedBack_walksTheKeyspace() {
        ReadResult first = reader.read(NOW);
        ReadResult back = reader.read(NOW.minusSeconds(60));
        assertEquals(2, back.roundTrips());
        assertTrue(back.discovery().scannedAt().equals(NOW.minusSeconds(60)));
    }

    @Test
    void read_badNameFoundByTheScan_rejectedEveryCycleWhileReused() {
        jedis.hset(Keys.BUDGET_PREFIX + "BAD NAME", Map.of("budget_usd", "1", "timestamp", Long.toString(NOW.getEpochSecond())));
        ReadResult first = reader.read(NOW);
        ReadResult second = reader.read(NOW.plusSeconds(5));
        assertEquals(1, first.rejections().size());
        assertEquals(first.rejections(), second.rejections());
    }
}
