package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.quantumtrader.allocation.runner.cli.Service;
import com.quantumtrader.allocation.runner.config.Config;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.redis.TestRedis;
import com.quantumtrader.allocation.redis.wire.ControlHash;
import com.quantumtrader.allocation.redis.wire.CycleEntry;
import com.quantumtrader.allocation.redis.wire.Decoded;
import com.quantumtrader.allocation.redis.wire.InputHashes;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.wire.TargetHash;
import com.quantumtrader.allocation.redis.wire.Trigger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * A change of the drawdown zone, the regime or a control starts a cycle at once (DESIGN sections 19 and 22): with a
 * 5-second grid, the cycle that carries the change is one the change started ({@code trigger} on the cycle stream), not
 * the next tick, and two changes close together are two cycles no closer than the minimum gap; a portfolio write that
 * changes neither waits for the grid.
 */
class ReactiveCycleIT {

    private static final int SYMBOLS = 50;
    /** How much earlier than its loop start plus the gap a cycle's id may read (Redis's clock, taken inside the cycle). */
    private static final long TS_SLACK_MS = 50;

    private final TestRedis redis = TestRedis.shared();

    @BeforeEach
    void setUp() {
        assumeFalse("false".equals(System.getenv("P29_INCREMENTAL")), "reactive cycles need the incremental reads' link");
        redis.flush();
    }

    private static Map<String, String> env(String url) {
        Map<String, String> env = ServiceIT.env(url, "enforce");
        env.put("P29_INTERVAL_SEC", "5");
        env.put("P29_MIN_CYCLE_GAP_MS", "400");
        env.put("REDIS_TIMEOUT_MS", "1000");
        return env;
    }

    private static List<CycleEntry> cycles(Jedis j) {
        List<CycleEntry> out = new ArrayList<>();
        for (StreamEntry e : j.xrange(Keys.CYCLE_STREAM, (StreamEntryID) null, (StreamEntryID) null)) {
            if (CycleEntry.decode(e.getFields()) instanceof Decoded.Valid<CycleEntry> v) {
                out.add(v.value());
            }
        }
        return out;
    }

    private static String[] symbols() {
        String[] s = new String[SYMBOLS];
        for (int i = 0; i < SYMBOLS; i++) {
            s[i] = String.format("S%03dUSDT", i);
        }
        return s;
    }

    private static boolean allTargets(Jedis j, String field, String value) {
        for (String s : symbols()) {
            if (!value.equals(j.hget(Keys.target(s), field))) {
                return false;
            }
        }
        return true;
    }

    @Test
    void run_portfolioIntoHigh_regimeAndHalt_eachStartACycleOfItsOwnBeforeTheNextTick() throws Exception {
        try (Jedis j = redis.client()) {
            ServiceIT.seed(j, symbols()); // drawdown 0.07: MID
            try (Service service = new Service(Config.fromEnv(env(redis.url())), Clock.systemUTC(), r -> { })) {
                service.start();
                ServiceIT.await("every target written in MID", Duration.ofSeconds(15), () -> allTargets(j, TargetHash.DRAWDOWN_ZONE, "MID"));
                int before = cycles(j).size();

                j.hset(Keys.PORTFOLIO, InputHashes.portfolio("100000", "0.20", Long.toString(Instant.now().getEpochSecond())));
                ServiceIT.await("every target in HIGH", Duration.ofSeconds(15), () -> allTargets(j, TargetHash.DRAWDOWN_ZONE, "HIGH"));
                CycleEntry high = cycles(j).stream().skip(before).filter(c -> "HIGH".equals(c.zone())).findFirst().orElseThrow();
                assertEquals(Trigger.PORTFOLIO, high.trigger(), "the drawdown's own cycle moved the zone, not the grid: " + high);
                assertEquals(SYMBOLS, high.written(), "every target rewritten by that cycle");
                assertEquals("HIGH", j.hget(Keys.target("S000USDT"), TargetHash.DRAWDOWN_ZONE));

                int beforeRegime = cycles(j).size();
                j.xadd(Keys.REGIME_STREAM, StreamEntryID.NEW_ENTRY,
                        Map.of("regime", "CHOP", "confidence", "0.9", "timestamp", Long.toString(Instant.now().getEpochSecond())));
                ServiceIT.await("every target in CHOP", Duration.ofSeconds(15), () -> allTargets(j, TargetHash.REGIME, "CHOP"));
                CycleEntry chop = cycles(j).stream().skip(beforeRegime).filter(c -> "CHOP".equals(c.regime())).findFirst().orElseThrow();
                assertEquals(Trigger.REGIME, chop.trigger(), chop.toString());

                int beforeHalt = cycles(j).size();
                j.hset(Keys.CONTROL, ControlHash.set(Mode.HALT, "reactive test", "ReactiveCycleIT", Instant.now()).encode());
                ServiceIT.await("a halted cycle", Duration.ofSeconds(15),
                        () -> cycles(j).stream().skip(beforeHalt).anyMatch(c -> c.mode() == Mode.HALT));
                CycleEntry halt = cycles(j).stream().skip(beforeHalt).filter(c -> c.mode() == Mode.HALT).findFirst().orElseThrow();
                assertEquals(Trigger.CONTROL, halt.trigger(), halt.toString());
            }
        }
    }

    @Test
    void run_zoneChangesCloseTogether_theirCyclesStartNoCloserThanTheMinimumGap() throws Exception {
        try (Jedis j = redis.client()) {
            ServiceIT.seed(j, symbols());
            try (Service service = new Service(Config.fromEnv(env(redis.url())), Clock.systemUTC(), r -> { })) {
                service.start();
                ServiceIT.await("a first cycle", Duration.ofSeconds(15), () -> !cycles(j).isEmpty());
                int before = cycles(j).size();
                long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
                int n = 0;
                while (System.nanoTime() < end) { // the zone changes every 50 ms for 1.5 s (no hysteresis): thirty changes that matter
                    j.hset(Keys.PORTFOLIO, InputHashes.portfolio(Integer.toString(100_000 + n), n % 2 == 0 ? "0.20" : "0.07",
                            Long.toString(Instant.now().getEpochSecond())));
                    n++;
                    Thread.sleep(50);
                }
                double last = 100_000 + n - 1;
                ServiceIT.await("the last change's cycle", Duration.ofSeconds(15),
                        () -> cycles(j).stream().skip(before).anyMatch(c -> Math.abs(c.equityUsd() - last) < 1e-9));
                List<CycleEntry> after = cycles(j).subList(before, cycles(j).size());
                List<CycleEntry> reactive = after.stream().filter(c -> c.trigger() == Trigger.PORTFOLIO).toList();
                assertTrue(reactive.size() >= 2, "zone changes over 1.5 s started cycles of their own: " + reactive.size());
                assertTrue(after.size() <= 1500 / 400 + 4, "coalesced, not one cycle per change: " + after.size() + " cycles for " + n + " changes");
                for (int i = 1; i < reactive.size(); i++) { // a timer's cycle may come closer: the gap bounds the changes' cycles
                    long gapMs = Long.parseLong(reactive.get(i).cycleId()) - Long.parseLong(reactive.get(i - 1).cycleId());
                    // cycle_id is Redis's TIME in ms read with the lease, early in the cycle, not the loop's start: allow for the work before it
                    assertTrue(gapMs >= 400 - TS_SLACK_MS, "cycle " + reactive.get(i).cycleId() + " started " + gapMs + " ms after the one before");
                }
            }
        }
    }

    /**
     * The live stack's portfolio publisher rewrites the hash every few seconds with the equity drifting and the zone
     * unchanged (DESIGN section 22): no cycle of its own, only the grid's; the writes are counted as waited.
     */
    @Test
    void run_publisherWritesWithoutZoneChange_startNoCycleAndAreCountedAsWaited() throws Exception {
        try (Jedis j = redis.client()) {
            ServiceIT.seed(j, symbols()); // drawdown 0.07: MID
            try (Service service = new Service(Config.fromEnv(env(redis.url())), Clock.systemUTC(), r -> { })) {
                service.start();
                ServiceIT.await("a first cycle", Duration.ofSeconds(15), () -> !cycles(j).isEmpty());
                int before = cycles(j).size();
                long start = System.nanoTime();
                for (int n = 0; n < 20; n++) { // every 300 ms for 6 s: twenty writes, one or two grid ticks of 5 s
                    j.hset(Keys.PORTFOLIO, InputHashes.portfolio(Integer.toString(100_000 + 7 * n), n % 2 == 0 ? "0.07" : "0.08",
                            Long.toString(Instant.now().getEpochSecond())));
                    Thread.sleep(300);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                List<CycleEntry> after = cycles(j).subList(before, cycles(j).size());
                assertTrue(after.stream().allMatch(c -> c.trigger() == Trigger.TIMER), "only the grid's cycles: " + after.stream().map(c -> c.trigger().wireName()).toList());
                assertTrue(after.size() <= (int) (seconds / 5) + 1, after.size() + " cycles in " + seconds + " s on a 5 s grid");
                double waited = MetricsScrape.metric(MetricsScrape.scrape(service.metricsPort()), "p29_changes_waited_total", "trigger",
                        "portfolio");
                assertTrue(waited >= 10, "the writes heard and waited: " + waited);

                j.hset(Keys.PORTFOLIO, InputHashes.portfolio("100000", "0.20", Long.toString(Instant.now().getEpochSecond())));
                ServiceIT.await("every target in HIGH", Duration.ofSeconds(15), () -> allTargets(j, TargetHash.DRAWDOWN_ZONE, "HIGH"));
                CycleEntry high = cycles(j).stream().skip(before).filter(c -> "HIGH".equals(c.zone())).findFirst().orElseThrow();
                assertEquals(Trigger.PORTFOLIO, high.trigger(), "a zone change still starts its own cycle: " + high);
            }
        }
    }
}
