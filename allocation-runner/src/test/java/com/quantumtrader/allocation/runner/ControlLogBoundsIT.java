package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.runner.cycle.CycleRunner;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.redis.TestRedis;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.wire.InputHashes;
import com.quantumtrader.allocation.redis.wire.Keys;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * DESIGN section 25: log lines for bad control entries are bounded per cycle whatever their number. The third release
 * logged one WARN per bad scoped field per minute: 50,000 lines a minute for 100,000 fields, half garbage.
 */
class ControlLogBoundsIT {

    static final Instant NOW = Instant.ofEpochSecond(1_767_225_600L);
    private final TestRedis redis = TestRedis.shared();

    @BeforeEach
    void setUp() {
        redis.flush();
    }

    private long lines(Harness h, String text) {
        return h.logs.list.stream().filter(e -> e.getFormattedMessage().contains(text)).count();
    }

    @Test
    void run_5000GarbageScopedEntries_fiveLinesByFieldAndOneCount_countedAll() {
        try (Jedis j = redis.client(); Harness h = new Harness(new RedisConnection(redis.endpoint()), Mode.ENFORCE)) {
            String ts = Long.toString(NOW.getEpochSecond());
            j.hset(Keys.PORTFOLIO, InputHashes.portfolio("1000000", "0.0", ts));
            j.hset(Keys.budget("BTCUSDT"), InputHashes.budget("10000", ts, "majors"));
            Map<String, String> garbage = new HashMap<>();
            for (int i = 0; i < 5_000; i++) {
                garbage.put("symbol:G" + i, "{\"action\":\"hlat\"}");
            }
            j.hset(Keys.SCOPED_CONTROLS, garbage);
            for (int c = 0; c < 3; c++) {
                h.nanos.set(c * 5_000_000_000L);
                assertTrue(h.runner.run(NOW.plusSeconds(5L * c)).computed());
            }
            assertEquals(CycleRunner.LOG_INVALID_SCOPED, lines(h, "Scoped control ignored: symbol:"), "the first few by field, once");
            assertEquals(1, lines(h, "Scoped controls ignored: 5000 entries"), "one count line a minute");
            assertEquals(3 * 5_000.0, MetricsScrape.sample(h.metrics.registry, "p29_control_invalid_total"), 0.0, "every entry counted");
        }
    }

    @Test
    void run_scopedHashOf20000Fields_oneErrorUnreadable_noEntryLogged() {
        try (Jedis j = redis.client(); Harness h = new Harness(new RedisConnection(redis.endpoint()), Mode.ENFORCE)) {
            String ts = Long.toString(NOW.getEpochSecond());
            j.hset(Keys.PORTFOLIO, InputHashes.portfolio("1000000", "0.0", ts));
            j.hset(Keys.budget("BTCUSDT"), InputHashes.budget("10000", ts, "majors"));
            Map<String, String> fields = new HashMap<>();
            for (int i = 0; i < 20_000; i++) {
                fields.put("symbol:G" + i, i % 2 == 0 ? "halt" : "garbage");
            }
            j.hset(Keys.SCOPED_CONTROLS, fields);
            for (int c = 0; c < 3; c++) {
                h.nanos.set(c * 5_000_000_000L);
                assertTrue(h.runner.run(NOW.plusSeconds(5L * c)).computed());
            }
            assertEquals(1, lines(h, "Control quantum:control:allocation:scoped cannot be read: quantum:control:allocation:scoped: holds"
                    + " 20000 fields, more than 10000"));
            assertEquals(0, lines(h, "Scoped control ignored"));
            assertEquals(3.0, MetricsScrape.sample(h.metrics.registry, "p29_control_unreadable_total", new String[] {"key"},
                    new String[] {Keys.SCOPED_CONTROLS}), 0.0);
        }
    }
}
