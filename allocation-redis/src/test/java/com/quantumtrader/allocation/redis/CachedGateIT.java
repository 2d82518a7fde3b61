package com.quantumtrader.allocation.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.redis.GovernorGate.Source;
import com.quantumtrader.allocation.redis.GovernorGate.Verdict;
import com.quantumtrader.allocation.redis.client.RedisFailure;
import com.quantumtrader.allocation.redis.wire.Keys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

/**
 * The cached Gate 0 from the Governor's side, against a real Redis server (DESIGN sections 20 and 23): whatever Redis
 * does to a key without telling the gate's reads (changes it, deletes it, lets its TTL pass, swaps or flushes the
 * dataset, kills the link, restarts), the gate never answers with a value Redis no longer holds; a hit sends Redis no
 * command.
 */
class CachedGateIT {

    static final Duration TTL = Duration.ofSeconds(300);
    static final GovernorGate.Settings FAST = GovernorGate.Settings.DEFAULTS.withCheckInterval(Duration.ofMillis(20));

    private final TestRedis redis = TestRedis.shared();
    private Jedis jedis;
    private GovernorGate gate;

    @BeforeEach
    void setUp() {
        redis.flush();
        jedis = redis.client();
        jedis.hset(Keys.budget("BTCUSDT"), "budget_usd", "30000");
        target(jedis, "BTCUSDT", "9600");
        gate = GovernorGate.open(redis.url(), TTL, FAST);
    }

    @AfterEach
    void tearDown() {
        gate.close();
        jedis.close();
    }

    /** A fresh enforce target written now, on Redis's clock. */
    static void target(Jedis j, String symbol, String usd) {
        j.hset(Keys.target(symbol), Map.of("target_usd", usd, "mode", "enforce", "timestamp", j.time().get(0),
                "cap", "none", "cluster_id", "majors", "confidence", "0.9"));
    }

    /** Calls Redis has served of {@code command} so far ({@code INFO commandstats}). */
    static long calls(Jedis j, String command) {
        for (String line : j.info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_" + command + ":calls=")) {
                return Long.parseLong(line.substring(line.indexOf('=') + 1, line.indexOf(',')));
            }
        }
        return 0;
    }

    /** Decides until {@code done} holds (2 s at most), and returns that verdict. */
    static Verdict await(GovernorGate gate, String symbol, Predicate<Verdict> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        Verdict v = null;
        while (System.nanoTime() < deadline) {
            try {
                v = gate.decide(symbol);
                if (done.test(v)) {
                    return v;
                }
            } catch (RedisFailure e) {
                v = null;
            }
            Thread.sleep(1);
        }
        throw new AssertionError("the gate still answers " + v);
    }

    static void until(java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 2 s");
            }
            Thread.sleep(1);
        }
    }

    static Predicate<Verdict> usd(double usd) {
        return v -> v.usd().equals(OptionalDouble.of(usd));
    }

    @Test
    void decide_cachedHit_sendsRedisNoCommand() throws InterruptedException {
        await(gate, "BTCUSDT", v -> gate.caching());
        assertEquals(OptionalDouble.of(9600), gate.decide("BTCUSDT").usd()); // the miss that fills the cache
        long hmget = calls(jedis, "hmget");
        long hget = calls(jedis, "hget");
        long hits = gate.hits();
        for (int i = 0; i < 1000; i++) {
            assertEquals(Source.ALLOCATION_TARGET, gate.decide("BTCUSDT").source());
        }
        assertEquals(hmget, calls(jedis, "hmget"));
        assertEquals(hget, calls(jedis, "hget"));
        assertEquals(hits + 1000, gate.hits());
    }

    @Test
    void decide_targetChangedOrDeleted_answerFollowsRedis() throws InterruptedException {
        await(gate, "BTCUSDT", usd(9600).and(v -> gate.caching()));
        jedis.hset(Keys.target("BTCUSDT"), "target_usd", "5000");
        await(gate, "BTCUSDT", usd(5000));
        jedis.del(Keys.target("BTCUSDT"));
        assertEquals("no target", await(gate, "BTCUSDT", v -> v.source() == Source.BUDGET_ENGINE).reason());
        jedis.hset(Keys.budget("BTCUSDT"), "budget_usd", "123");
        await(gate, "BTCUSDT", usd(123));
        target(jedis, "BTCUSDT", "777");
        await(gate, "BTCUSDT", usd(777).and(v -> v.source() == Source.ALLOCATION_TARGET));
    }

    @Test
    void decide_ttlPassedBeforeRedisDeletesTheKey_notServed() throws InterruptedException {
        jedis.sendCommand(TestRedis.DEBUG, "SET-ACTIVE-EXPIRE", "0"); // Redis deletes an expired key only when it is read
        try {
            await(gate, "BTCUSDT", usd(9600).and(v -> gate.caching()));
            long before = calls(jedis, "hmget");
            jedis.pexpire(Keys.target("BTCUSDT"), 300);
            await(gate, "BTCUSDT", v -> calls(jedis, "hmget") > before); // the TTL's invalidation heard, read again with it
            long keys = jedis.dbSize();
            long hmget = calls(jedis, "hmget");
            assertEquals(OptionalDouble.of(9600), gate.decide("BTCUSDT").usd());
            Thread.sleep(400);
            Verdict v = gate.decide("BTCUSDT");
            assertEquals(Source.BUDGET_ENGINE, v.source(), v.toString());
            assertEquals("no target", v.reason());
            assertEquals(hmget, calls(jedis, "hmget"), "judged from the cache on Redis's clock, not read again");
            assertEquals(keys, jedis.dbSize(), "Redis still held the expired key when the gate stopped using it");
        } finally {
            jedis.sendCommand(TestRedis.DEBUG, "SET-ACTIVE-EXPIRE", "1");
        }
    }

    @Test
    void decide_datasetSwapped_answersFromTheSwappedInDataset() throws InterruptedException {
        int other = redis.endpoint().database() == 0 ? 1 : 0;
        try (Jedis j = redis.client()) {
            j.select(other);
            j.flushDB();
            target(j, "BTCUSDT", "4242");
        }
        await(gate, "BTCUSDT", usd(9600).and(v -> gate.caching()));
        try {
            jedis.swapDB(redis.endpoint().database(), other);
            await(gate, "BTCUSDT", usd(4242));
        } finally {
            try (Jedis j = redis.client()) {
                j.select(other);
                j.flushDB();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"FLUSHDB", "FLUSHALL"})
    void decide_flushed_nothingServed(String flush) throws InterruptedException {
        await(gate, "BTCUSDT", usd(9600).and(v -> gate.caching()));
        if (flush.equals("FLUSHALL")) {
            jedis.flushAll();
        } else {
            jedis.flushDB();
        }
        assertEquals("no target; no usable budget_usd either", await(gate, "BTCUSDT", v -> v.source() == Source.NONE).reason());
    }

    @Test
    void decide_linkKilled_roundTripsUntilANewLinkOpens_changesMeanwhileSeen() throws InterruptedException {
        await(gate, "BTCUSDT", usd(9600).and(v -> gate.caching()));
        jedis.clientKill(new ClientKillParams().type(ClientType.PUBSUB));
        jedis.hset(Keys.target("BTCUSDT"), "target_usd", "4444");
        await(gate, "BTCUSDT", usd(4444));
        await(gate, "BTCUSDT", v -> gate.caching()); // a new link
        jedis.hset(Keys.target("BTCUSDT"), "target_usd", "3333");
        await(gate, "BTCUSDT", usd(3333));
    }

    @Test
    void decide_redisRestartedEmpty_neverAnswersFromTheOldServer() throws InterruptedException {
        TestRedis.Embedded server = TestRedis.Embedded.start(TestRedis.freePort());
        try (Jedis j = new Jedis("127.0.0.1", server.port(), 2000);
             GovernorGate own = GovernorGate.open("redis://127.0.0.1:" + server.port(), TTL, FAST)) {
            target(j, "BTCUSDT", "9600");
            await(own, "BTCUSDT", usd(9600).and(v -> own.caching()));
            server.stop();
            until(() -> !own.caching()); // the link's end heard (at once: the socket closes)
            assertThrows(RedisFailure.class, () -> own.decide("BTCUSDT"));
            server.restart();
            try (Jedis k = new Jedis("127.0.0.1", server.port(), 2000)) {
                k.hset(Keys.budget("BTCUSDT"), "budget_usd", "500");
            }
            assertEquals("no target", await(own, "BTCUSDT", usd(500)).reason());
            await(own, "BTCUSDT", v -> own.caching());
        } finally {
            server.stop();
        }
    }

    @Test
    void decideAll_hitsAndMisses_answersInOrder_missesInOneRead() throws InterruptedException {
        jedis.hset(Keys.budget("ETHUSDT"), "budget_usd", "2000");
        await(gate, "BTCUSDT", usd(9600).and(v -> gate.caching()));
        gate.decide("BTCUSDT");
        long hmget = calls(jedis, "hmget");
        List<Verdict> verdicts = gate.decideAll(List.of("BTCUSDT", "ETHUSDT", "SOLUSDT", "BTCUSDT"));
        assertEquals(List.of("BTCUSDT", "ETHUSDT", "SOLUSDT", "BTCUSDT"), verdicts.stream().map(Verdict::symbol).toList());
        assertEquals(List.of(Source.ALLOCATION_TARGET, Source.BUDGET_ENGINE, Source.NONE, Source.ALLOCATION_TARGET),
                verdicts.stream().map(Verdict::source).toList());
        assertEquals(hmget + 2, calls(jedis, "hmget"), "ETHUSDT and SOLUSDT read, BTCUSDT served");
        assertEquals(List.of(), gate.decideAll(List.of()));
    }

    @Test
    void decide_manyThreadsWhileAWriterChangesTheTarget_neverGoesBackToAnOlderValue() throws Exception {
        await(gate, "BTCUSDT", usd(9600).and(v -> gate.caching()));
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<String> wrong = new AtomicReference<>();
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread reader = new Thread(() -> {
                double last = 0;
                while (writing.get()) {
                    double usd = gate.decide("BTCUSDT").usd().orElse(-1);
                    if (usd < last) {
                        wrong.compareAndSet(null, "answered " + usd + " after " + last);
                    }
                    last = Math.max(last, usd);
                }
            }, "gate-reader-" + t);
            readers.add(reader);
            reader.start();
        }
        for (int v = 10_000; v <= 10_300; v++) {
            jedis.hset(Keys.target("BTCUSDT"), "target_usd", Integer.toString(v));
            Thread.sleep(0, 200_000);
        }
        await(gate, "BTCUSDT", usd(10_300));
        writing.set(false);
        for (Thread reader : readers) {
            reader.join(5_000);
        }
        assertEquals(null, wrong.get());
        assertTrue(gate.hits() > 0, "some decisions were served from the cache");
    }

    /** The ACL governor.md documents for the gate's user, word for word. */
    static final String DOCUMENTED_ACL = "on >gate-pw resetchannels ~quantum:allocation:target:* ~quantum:portfolio:budget:* "
            + "~quantum:allocation:dataset &__redis__:invalidate -@all +hmget +hget +pttl +time +ping +client|tracking +client|id "
            + "+client|setname +subscribe +get +set";

    @Test
    void open_asTheDocumentedAclUser_readsAndCaches() throws InterruptedException {
        jedis.aclSetUser("gate-it", DOCUMENTED_ACL.split(" "));
        String url = "redis://gate-it:gate-pw@" + redis.endpoint().host() + ":" + redis.endpoint().port() + "/"
                + redis.endpoint().database();
        try (GovernorGate own = GovernorGate.open(url, TTL, FAST)) {
            await(own, "BTCUSDT", usd(9600).and(v -> own.caching()));
            long hmget = calls(jedis, "hmget");
            own.decide("BTCUSDT");
            assertEquals(hmget, calls(jedis, "hmget"));
            jedis.hset(Keys.target("BTCUSDT"), "target_usd", "1");
            await(own, "BTCUSDT", usd(1));
        } finally {
            jedis.aclDelUser("gate-it");
        }
    }

    @Test
    void open_missingOrBadUrl_saysWhichAndWhatIsAllowed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GovernorGate.open(null, TTL));
        assertEquals("redisUrl: must be redis://host[:port][/db] or rediss://..., was null", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GovernorGate.open("http://localhost:6379", TTL));
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
                () -> GovernorGate.Settings.DEFAULTS.withCheckInterval(Duration.ofMillis(1)));
        assertEquals("checkInterval: must be in [5 ms, 10 s], was 1 ms", s.getMessage());
    }

    @Test
    void open_redisDown_decisionsFailUntilItAnswers_thenCached() throws InterruptedException {
        int port = TestRedis.freePort();
        try (GovernorGate own = GovernorGate.open("redis://127.0.0.1:" + port, TTL, FAST)) {
            assertFalse(own.caching());
            assertThrows(RedisFailure.class, () -> own.decide("BTCUSDT"));
            TestRedis.Embedded server = TestRedis.Embedded.start(port);
            try {
                assertEquals(Source.NONE, await(own, "BTCUSDT", v -> own.caching()).source());
            } finally {
                server.stop();
            }
        }
    }
}
