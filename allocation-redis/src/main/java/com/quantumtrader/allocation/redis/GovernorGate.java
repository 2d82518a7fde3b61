package com.quantumtrader.allocation.redis;

import org.apiguardian.api.API;

import com.quantumtrader.allocation.core.CapKind;
import com.quantumtrader.allocation.core.Scalars;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisDeployment;
import com.quantumtrader.allocation.redis.client.RedisEndpoint;
import com.quantumtrader.allocation.redis.client.RedisFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Gate 0 of the Governor, for Java callers: which exposure budget to use for a symbol.
 *
 * <ol>
 *   <li>{@code quantum:allocation:target:{symbol}} with {@code mode=enforce}, an integer {@code timestamp} not older than
 *       the target TTL, and a finite {@code target_usd >= 0}: use it.</li>
 *   <li>Otherwise the budget engine's {@code budget_usd} from {@code quantum:portfolio:budget:{symbol}}.</li>
 *   <li>Neither usable: {@link Source#NONE}; the caller decides (the Governor blocks nothing on this).</li>
 * </ol>
 *
 * <p>{@link #open(String, Duration)} returns the <em>cached</em> gate: it answers from a local copy of the target and
 * budget hashes it has read, kept true by Redis's client-side tracking (DESIGN sections 20 and 23): a key changed,
 * deleted, expired (its TTL is judged by the gate on Redis's clock, before Redis deletes it), flushed or swapped away is
 * never answered from the copy, and while the invalidation link is down every decision is a round trip. A hit costs no
 * round trip. The target's age is judged at decision time on Redis's clock. {@link #GovernorGate(RedisConnection,
 * Duration)} is the uncached gate: one round trip per decision. Both are thread-safe.
 */
@API(status = API.Status.STABLE, since = "1.0")
public final class GovernorGate implements AutoCloseable {

    /** Where the budget came from. */
    @API(status = API.Status.STABLE, since = "1.0")
    public enum Source {
        /** The allocator's target: fresh, enforced and a number. */
        ALLOCATION_TARGET,
        /** The budget engine's {@code budget_usd}: the target was not usable. */
        BUDGET_ENGINE,
        /** Neither was usable. */
        NONE
    }

    /**
     * The gate's answer. The target's fields ({@code cap}, {@code clusterId}, {@code confidence}, {@code ageSeconds}) are
     * given whenever the target hash holds them in a valid form, whether or not the target was used, so a caller can say
     * why a symbol has the budget it has.
     *
     * @param symbol     the symbol asked about
     * @param source     which input was used
     * @param usd        the budget in USD; empty when {@link Source#NONE}
     * @param reason     why the allocation target was not used ({@code "used"} when it was)
     * @param cap        the limit that bound the target ({@code cap} field)
     * @param clusterId  the target's allocation cluster
     * @param confidence the target's input confidence, in [0, 1]
     * @param ageSeconds the target's age at the decision, whole seconds on Redis's clock (or the caller's {@code now})
     */
    @API(status = API.Status.STABLE, since = "1.0")
    public record Verdict(String symbol, Source source, OptionalDouble usd, String reason, Optional<CapKind> cap,
                          Optional<String> clusterId, OptionalDouble confidence, OptionalLong ageSeconds) {
        /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
        public Verdict {
            Objects.requireNonNull(symbol, "symbol");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(usd, "usd");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(cap, "cap");
            Objects.requireNonNull(clusterId, "clusterId");
            Objects.requireNonNull(confidence, "confidence");
            Objects.requireNonNull(ageSeconds, "ageSeconds");
            if ((source == Source.NONE) != usd.isEmpty()) {
                throw new IllegalArgumentException("usd: must be empty exactly when source is NONE, was " + usd + " for " + source);
            }
        }

        /** A verdict without the target's fields (none read, or none valid). */
        public Verdict(String symbol, Source source, OptionalDouble usd, String reason) {
            this(symbol, source, usd, reason, Optional.empty(), Optional.empty(), OptionalDouble.empty(), OptionalLong.empty());
        }
    }

    /**
     * How the cached gate connects and checks.
     *
     * @param poolSize       connections to Redis at most, 1-1024 (decisions that miss the cache share them)
     * @param connectTimeout time to open a connection (and to wait for a free one)
     * @param socketTimeout  time to wait for any reply; also how long the invalidation link may take to answer its check
     * @param checkInterval  how often the link is proved alive and the dataset token and Redis's clock read, 5 ms-10 s: a
     *                       link that dies silently, or a dataset swapped without a word, is noticed within it
     */
    @API(status = API.Status.STABLE, since = "1.0")
    public record Settings(int poolSize, Duration connectTimeout, Duration socketTimeout, Duration checkInterval) {
        /** 8 connections, 500 ms to connect, 250 ms for a reply, a check every 50 ms. */
        public static final Settings DEFAULTS = new Settings(8, Duration.ofMillis(500), Duration.ofMillis(250), Duration.ofMillis(50));

        /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
        public Settings {
            if (poolSize < 1 || poolSize > 1024) {
                throw new IllegalArgumentException("poolSize: must be in [1, 1024], was " + poolSize);
            }
            positive(connectTimeout, "connectTimeout");
            positive(socketTimeout, "socketTimeout");
            Objects.requireNonNull(checkInterval, "checkInterval");
            if (checkInterval.toMillis() < 5 || checkInterval.compareTo(Duration.ofSeconds(10)) > 0) {
                throw new IllegalArgumentException("checkInterval: must be in [5 ms, 10 s], was " + checkInterval.toMillis() + " ms");
            }
        }

        /** These settings with {@code poolSize}. */
        public Settings withPoolSize(int poolSize) {
            return new Settings(poolSize, connectTimeout, socketTimeout, checkInterval);
        }

        /** These settings with both timeouts. */
        public Settings withTimeouts(Duration connectTimeout, Duration socketTimeout) {
            return new Settings(poolSize, connectTimeout, socketTimeout, checkInterval);
        }

        /** These settings with {@code checkInterval}. */
        public Settings withCheckInterval(Duration checkInterval) {
            return new Settings(poolSize, connectTimeout, socketTimeout, checkInterval);
        }

        private static void positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + ": must be > 0, was " + d.toMillis() + " ms");
            }
        }
    }

    private final RedisConnection connection;
    private final long maxAgeSeconds;
    /** The cached gate's; null for the uncached gate. */
    private final GateCache cache;
    private final boolean ownsConnection;

    /**
     * The uncached gate: every decision is one round trip, on a connection the caller owns (and closes).
     *
     * @param maxAge the oldest target still used; the target TTL ({@code TARGET_TTL_SEC}, 300 s by default)
     */
    public GovernorGate(RedisConnection connection, Duration maxAge) {
        this(connection, maxAge, null, false);
    }

    private GovernorGate(RedisConnection connection, Duration maxAge, GateCache cache, boolean ownsConnection) {
        this.connection = Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("maxAge: must be > 0, was " + maxAge);
        }
        this.maxAgeSeconds = maxAge.getSeconds();
        this.cache = cache;
        this.ownsConnection = ownsConnection;
    }

    /**
     * The cached gate on one Redis server with {@link Settings#DEFAULTS}.
     *
     * @param redisUrl  {@code redis://[user[:password]@]host[:port][/db]} or {@code rediss://...} (TLS)
     * @param targetTtl the oldest target still used: the service's {@code TARGET_TTL_SEC} (300 s by default)
     * @throws IllegalArgumentException when the URL is missing or malformed (the message never shows the password)
     */
    public static GovernorGate open(String redisUrl, Duration targetTtl) {
        return open(redisUrl, targetTtl, Settings.DEFAULTS);
    }

    /**
     * The cached gate on one Redis server. Redis need not be up: until it is, decisions throw {@link RedisFailure} and the
     * gate keeps trying to open its invalidation link.
     *
     * @throws IllegalArgumentException when the URL is missing or malformed (the message never shows the password)
     */
    public static GovernorGate open(String redisUrl, Duration targetTtl, Settings settings) {
        Objects.requireNonNull(settings, "settings");
        if (redisUrl == null || redisUrl.isBlank()) {
            throw new IllegalArgumentException("redisUrl: must be redis://host[:port][/db] or rediss://..., was "
                    + (redisUrl == null ? "null" : "blank"));
        }
        RedisEndpoint endpoint = RedisEndpoint.fromUrl(redisUrl, settings.connectTimeout(), settings.socketTimeout());
        return open(new RedisDeployment.Standalone(endpoint), targetTtl, settings);
    }

    /**
     * The cached gate on any deployment: a standalone server, a primary named by Sentinel (the link follows a failover),
     * or a Redis Cluster (no one link hears every key there: every decision is a round trip). The deployment's own
     * timeouts apply; {@code settings} gives the pool size and the check interval.
     */
    public static GovernorGate open(RedisDeployment deployment, Duration targetTtl, Settings settings) {
        RedisConnection connection = new RedisConnection(deployment, null, settings.poolSize());
        GateCache cache = new GateCache(connection, settings.checkInterval(), deployment.socketTimeout());
        GovernorGate gate = new GovernorGate(connection, targetTtl, cache, true);
        try {
            cache.start();
        } catch (RedisFailure e) {
            // Redis is not reachable yet: the witness keeps trying; decisions fail (and say so) until it answers
        }
        return gate;
    }

    /**
     * Decides for one symbol now: Redis's clock judges the target's age (the cached gate's last measure of it, or the
     * {@code TIME} read in the same round trip).
     *
     * @throws IllegalArgumentException when {@code symbol} is not 1-64 characters of {@code [A-Za-z0-9._-]}
     * @throws RedisFailure             when Redis must be read and cannot be
     */
    public Verdict decide(String symbol) {
        check(symbol);
        if (cache != null) {
            GateEntry entry = cache.get(symbol);
            long now = cache.redisMillis();
            if (entry != null && now != GateRead.NO_CLOCK) {
                return verdict(entry, symbol, now, maxAgeSeconds);
            }
        }
        GateRead.Result read = read(List.of(symbol), true);
        return verdict(read.entries().get(symbol), symbol, read.redisMillis(), maxAgeSeconds);
    }

    /**
     * Decides for one symbol at time {@code now} (the caller's clock judges the target's age).
     *
     * @throws IllegalArgumentException when {@code symbol} is not 1-64 characters of {@code [A-Za-z0-9._-]}
     * @throws RedisFailure             when Redis must be read and cannot be
     */
    public Verdict decide(String symbol, Instant now) {
        check(symbol);
        Objects.requireNonNull(now, "now");
        GateEntry entry = cache == null ? null : cache.get(symbol);
        if (entry == null) {
            entry = read(List.of(symbol), false).entries().get(symbol);
        }
        return verdict(entry, symbol, now.toEpochMilli(), maxAgeSeconds);
    }

    /**
     * Decides for many symbols now, in their order (a symbol named twice is answered twice): the cached ones from the
     * cache, all others in one round trip.
     *
     * @throws IllegalArgumentException when a symbol is not a valid name
     * @throws RedisFailure             when Redis must be read and cannot be
     */
    public List<Verdict> decideAll(Collection<String> symbols) {
        Objects.requireNonNull(symbols, "symbols");
        symbols.forEach(GovernorGate::check);
        Map<String, GateEntry> found = new java.util.HashMap<>();
        LinkedHashSet<String> missing = new LinkedHashSet<>();
        for (String s : symbols) {
            GateEntry e = cache == null ? null : cache.get(s);
            if (e != null) {
                found.put(s, e);
            } else {
                missing.add(s);
            }
        }
        if (found.isEmpty() && missing.isEmpty()) {
            return List.of(); // no symbols asked
        }
        long now;
        if (!missing.isEmpty()) {
            GateRead.Result read = read(missing, true);
            found.putAll(read.entries());
            now = read.redisMillis();
        } else {
            now = cache.redisMillis(); // every one a hit: the cache has measured Redis's clock
        }
        List<Verdict> verdicts = new ArrayList<>(symbols.size());
        for (String s : symbols) {
            verdicts.add(verdict(found.get(s), s, now, maxAgeSeconds));
        }
        return verdicts;
    }

    /** Whether decisions are served from the cache now (a cached gate whose invalidation link is live). */
    public boolean caching() {
        return cache != null && cache.caching();
    }

    /** Network round trips this gate's connection has made (reads on a miss, the cached gate's checks). */
    public long roundTrips() {
        return connection.roundTrips();
    }

    /** Decisions answered from the cache so far (0 for the uncached gate). */
    public long hits() {
        return cache == null ? 0 : cache.hits();
    }

    /**
     * Gate 0's decision for {@code symbol} at {@code nowMillis} (epoch ms, Redis's clock): a key whose expiry has passed
     * counts as gone, whether or not Redis has deleted it yet (DESIGN section 20).
     */
    private static Verdict verdict(GateEntry entry, String symbol, long nowMillis, long maxAgeSeconds) {
        GateEntry.Target t = nowMillis < entry.targetExpiresAt() ? entry.target() : GateEntry.Target.ABSENT;
        OptionalLong age = t.timestamp() >= 0 ? OptionalLong.of(Math.floorDiv(nowMillis, 1000L) - t.timestamp()) : OptionalLong.empty();
        String reason = t.problem();
        if (reason == null && age.getAsLong() > maxAgeSeconds) {
            reason = "target is " + age.getAsLong() + " s old, over " + maxAgeSeconds + " s";
        }
        if (reason == null) {
            reason = t.usdProblem();
        }
        if (reason == null) {
            return new Verdict(symbol, Source.ALLOCATION_TARGET, OptionalDouble.of(t.usd()), "used", t.cap(), t.clusterId(),
                    t.confidence(), age);
        }
        OptionalDouble usd = nowMillis < entry.budgetExpiresAt() ? entry.budget() : OptionalDouble.empty();
        if (usd.isPresent()) {
            return new Verdict(symbol, Source.BUDGET_ENGINE, usd, reason, t.cap(), t.clusterId(), t.confidence(), age);
        }
        return new Verdict(symbol, Source.NONE, OptionalDouble.empty(), reason + "; no usable budget_usd either", t.cap(),
                t.clusterId(), t.confidence(), age);
    }

    /** Reads {@code symbols}: through the cache (which keeps them), else once ({@code clock}: with Redis's {@code TIME}). */
    private GateRead.Result read(Collection<String> symbols, boolean clock) {
        return cache != null ? cache.read(symbols) : GateRead.read(connection, symbols, false, clock);
    }

    private static void check(String symbol) {
        Objects.requireNonNull(symbol, "symbol");
        if (!Scalars.isValidName(symbol)) {
            throw new IllegalArgumentException("symbol: must be 1-64 characters of [A-Za-z0-9._-], was '" + Scalars.printable(symbol) + "'");
        }
    }

    /** Stops the cached gate's checks and closes the connections it opened; the uncached gate leaves its caller's open. */
    @Override
    public void close() {
        if (cache != null) {
            cache.close();
        }
        if (ownsConnection) {
            connection.close();
        }
    }
}
