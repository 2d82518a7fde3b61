package com.quantumtrader.allocation.redis.read;

import static com.quantumtrader.allocation.redis.read.Replies.allNull;
import static com.quantumtrader.allocation.redis.read.Replies.control;
import static com.quantumtrader.allocation.redis.read.Replies.datasetToken;
import static com.quantumtrader.allocation.redis.read.Replies.get;
import static com.quantumtrader.allocation.redis.read.Replies.getOptional;
import static com.quantumtrader.allocation.redis.read.Replies.newestValidRegime;
import static com.quantumtrader.allocation.redis.read.Replies.readBounded;
import static com.quantumtrader.allocation.redis.read.Replies.ttl;

import com.quantumtrader.allocation.core.DataSource;
import com.quantumtrader.allocation.core.PortfolioState;
import com.quantumtrader.allocation.core.RegimeState;
import com.quantumtrader.allocation.core.Rejection;
import com.quantumtrader.allocation.redis.client.Reply;
import com.quantumtrader.allocation.redis.client.StreamRecord;
import com.quantumtrader.allocation.redis.wire.InputCodec;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisFailure;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads one cycle's inputs (DESIGN section 3), the fields {@link InputCodec} names, in a constant number of round trips whatever the
 * number of symbols: the SCAN pages of discovery, one pipeline for the portfolio, cluster map, the live stack's
 * discovered clusters ({@code quantum:portfolio:clusters}), regime, operator control hash, budgets and attributions,
 * and one pipeline for the stress hashes of the clusters in use and the discovered clusters' state hashes.
 *
 * <p>A key of the wrong type is a rejection of its source ({@code wrong_type}); a budget key
 * whose suffix is not a symbol name is a rejection ({@code bad_name}); per-cluster budget keys and
 * any suffix with {@code :} are not symbols and are skipped. Only a failure of Redis itself
 * (connection, timeout, ACL) ends the read, as a {@link RedisFailure}.
 */
public final class InputReader implements AutoCloseable {

    /**
     * The lost-target check looks at one of this many shares of the written targets per cycle, in turn: each target is
     * checked every second cycle, so one that vanishes is rewritten within two intervals, at half the Redis CPU of checking
     * them all (EXISTS of 10,000 keys is ~9 ms of Redis CPU; a cycle's is ~55 ms).
     */
    static final int LOST_TARGET_SHARDS = 2;

    private final RedisConnection connection;
    private final Map<String, String> staticClusterMap;
    private final int maxSymbols;
    /** The incremental reads' cache and link, or the cache that keeps nothing. */
    private final InputCache cache;
    /** The universe the last read used, reused while the cache's link vouches for it or it is younger than {@link Discovery#RESCAN}. */
    private Optional<Discovery> discovery = Optional.empty();
    /** The tenure of the last read; -1 before the first. */
    private long tenure = -1;
    /** Lost-target checks made, to take the shares in turn. */
    private long checks;
    /** The dataset token ({@link Keys#DATASET}) the last read found; empty before, or when the ACL denies it. */
    private Optional<String> dataset = Optional.empty();
    /** The token the last pass found. */
    private Optional<String> token = Optional.empty();
    /** Drops since the last read (a failed cycle told between reads), for the next read's outcome. */
    private final List<ReadResult.Drop> pending = new ArrayList<>();

    /**
     * @param staticClusterMap symbol -> cluster from {@code P29_CLUSTER_MAP_FILE}; the Redis hash wins over it
     */
    public InputReader(RedisConnection connection, Map<String, String> staticClusterMap) {
        this(connection, staticClusterMap, Integer.MAX_VALUE);
    }

    /**
     * @param maxSymbols {@code P29_MAX_SYMBOLS}: the most symbols a read holds (the heap's capacity); beyond it
     *                   the excess is counted in the {@link Discovery}, never read
     */
    public InputReader(RedisConnection connection, Map<String, String> staticClusterMap, int maxSymbols) {
        this(connection, staticClusterMap, maxSymbols, Optional.empty());
    }

    /**
     * @param incremental {@code P29_INCREMENTAL}: read only what changed, told by Redis ({@link Incremental}); empty: read
     *                    every input every cycle
     */
    public InputReader(RedisConnection connection, Map<String, String> staticClusterMap, int maxSymbols, Optional<Incremental> incremental) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.staticClusterMap = Map.copyOf(staticClusterMap);
        if (maxSymbols < 1) {
            throw new IllegalArgumentException("maxSymbols: must be >= 1, was " + maxSymbols);
        }
        this.maxSymbols = maxSymbols;
        this.cache = incremental.<InputCache>map(i -> new TrackedCache(connection, i.fullReadEvery(), i.timeout(), i.maxCached()))
                .orElseGet(NoCache::new);
    }

    /**
     * Incremental reads (issue 28): the reader keeps what it read and reads again only the keys Redis says changed
     * ({@code CLIENT TRACKING ... BCAST}), every key at least every {@code fullReadEvery} (an audit that counts where
     * the cache was wrong).
     *
     * @param fullReadEvery {@code P29_FULL_READ_SEC}
     * @param timeout       how long the cycle's barrier waits for the link's reply before the link counts as lost
     */
    public record Incremental(Duration fullReadEvery, Duration timeout, int maxCached) {
        /** No limit on the symbols whose inputs are kept (tests; the service passes its heap's). */
        public Incremental(Duration fullReadEvery, Duration timeout) {
            this(fullReadEvery, timeout, Integer.MAX_VALUE);
        }

        public Incremental {
            if (maxCached < 1) {
                throw new IllegalArgumentException("maxCached: must be >= 1, was " + maxCached);
            }
            if (fullReadEvery.isNegative() || fullReadEvery.isZero()) {
                throw new IllegalArgumentException("fullReadEvery: must be > 0, was " + fullReadEvery);
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout: must be > 0, was " + timeout);
            }
        }
    }

    /** What changed, of the inputs whose change starts a cycle at once. */
    public enum Change { PORTFOLIO, REGIME, CONTROL }

    /**
     * Who is told, on the invalidation link's thread, when the portfolio, the regime or a control changes (incremental
     * reads only; the listener must not block).
     */
    public void onChange(Consumer<Change> listener) {
        Objects.requireNonNull(listener, "listener");
        cache.onChange(c -> listener.accept(Change.valueOf(c.name())));
    }

    /**
     * The portfolio and the regime in force as Redis holds them now, decoded (empty: missing, of the wrong type or invalid).
     *
     * @param portfolio the portfolio hash
     * @param regime    the newest valid of the regime stream's last entries (or the newest, when none is valid)
     */
    public record Headline(Optional<PortfolioState> portfolio, Optional<RegimeState> regime) {
        public Headline {
            Objects.requireNonNull(portfolio, "portfolio");
            Objects.requireNonNull(regime, "regime");
        }
    }

    /**
     * Reads the portfolio and the regime in one round trip, past the cache and leaving it as it is: what decides whether
     * a change heard of either starts a cycle before the timer's ({@link com.quantumtrader.allocation.core.Reaction}).
     */
    public Headline headline() {
        return connection.call(RedisFailure.Operation.READ, nodes -> {
            Reply<List<String>> portfolio = nodes.pipeline(Keys.PORTFOLIO).hmget(Keys.PORTFOLIO, InputCodec.PORTFOLIO_FIELDS);
            Reply<List<StreamRecord>> regime = nodes.pipeline(Keys.REGIME_STREAM).lastEntries(Keys.REGIME_STREAM, ReadPass.REGIME_LOOKBACK);
            nodes.sync();
            List<Rejection> ignored = new ArrayList<>(); // the cycle that follows, if any, rejects and counts them
            Map<String, String> fields = Reply.fields(get(portfolio, DataSource.PORTFOLIO, DataSource.PORTFOLIO_SUBJECT, ignored),
                    InputCodec.PORTFOLIO_FIELDS);
            List<StreamRecord> entries = get(regime, DataSource.REGIME, DataSource.REGIME_SUBJECT, ignored);
            Optional<RegimeState> state = entries == null || entries.isEmpty() ? Optional.empty()
                    : Optional.of(newestValidRegime(entries, ignored)).flatMap(e ->
                    InputCodec.decodeRegime(e.fields(), Optional.of(Instant.ofEpochMilli(e.millis())), ignored));
            return new Headline(InputCodec.decodePortfolio(fields, ignored), state);
        });
    }

    /** Drops every cached input and the discovery: the next read reads everything and walks the keyspace. */
    public void drop(DropCause cause) {
        drop(cause, switch (cause) {
            case FAILED_CYCLE -> "a failed cycle";
            case TENURE -> "a change of leader or epoch";
            case DATASET_CHANGED -> "the dataset changed under the service";
            case LINK_LOST -> "the invalidation link was lost";
            case PRIMARY_MOVED -> "the primary moved";
            case FLUSH -> "Redis flushed its keys";
        });
    }

    private void drop(DropCause cause, String detail) {
        cache.drop();
        discovery = Optional.empty();
        if (pending.stream().noneMatch(d -> d.cause() == cause)) {
            pending.add(new ReadResult.Drop(cause, detail)); // every cause told, none hidden behind another (DESIGN section 20)
        }
    }

    /** The cache of incremental reads (tests plant a wrong value in it). */
    InputCache cache() {
        return cache;
    }

    /** Closes the invalidation link, if any. */
    @Override
    public void close() {
        cache.close();
    }

    /** Reads every input once, walking the keyspace (SCAN) to discover the symbols ({@code once}, a snapshot). */
    public ReadResult read() {
        discovery = Optional.empty();
        return read(ReadRequest.at(Instant.EPOCH));
    }

    /** {@link #read(ReadRequest)} at {@code now} for no tenure, with no target to check and no witness. */
    public ReadResult read(Instant now) {
        return read(ReadRequest.at(now));
    }

    /**
     * Reads every input of one cycle. The symbols come from the last read's discovery while the link vouches for it (no
     * change named a symbol it lacks) or, without a link, while it is {@link Discovery#fresh}; otherwise the keyspace is
     * walked again. A budget key that no longer exists drops its symbol in this cycle. A change of tenure drops what is
     * cached; a state hash that does not hold the request's last write drops it too and, unless this read already took
     * everything from Redis, reads again (DESIGN section 20). A share of the request's written targets is checked for
     * existence in the same pipeline (DESIGN section 16).
     */
    public ReadResult read(ReadRequest request) {
        Objects.requireNonNull(request, "request");
        if (tenure >= 0 && tenure != request.tenure()) {
            drop(DropCause.TENURE);
        }
        tenure = request.tenure();
        Instant now = request.now();
        Optional<String> before = dataset;
        ReadResult read = readOnce(now, request.written(), request.lastModified());
        boolean swapped = before.isPresent() && token.isPresent() && !before.equals(token);
        boolean lost = request.lastWrite().isPresent() && !request.lastWrite().equals(read.lastWrite());
        if (swapped || lost) {
            String detail = "the dataset changed under the service: " + (swapped ? Keys.DATASET + " holds " + token.get() + ", not "
                    + before.get() : "the state hash holds cycle_id " + read.lastWrite().orElse("none") + ", not this runner's last write "
                    + request.lastWrite().get()) + " (a swapped database, a flush, a restore)";
            boolean whole = read.cache().kind() != ReadResult.Cache.Kind.INCREMENTAL && !read.discovery().scannedAt().isBefore(now);
            if (whole) { // every input came from Redis, the keyspace walked in this read: nothing of the old dataset was used
                // an audit's differences are the swap's, explained by the witness: not discrepancies
                read = read.explained(List.of(new ReadResult.Drop(DropCause.DATASET_CHANGED, detail + "; this read took everything from Redis")));
            } else {
                List<ReadResult.Drop> told = read.cache().drops();
                drop(DropCause.DATASET_CHANGED, detail + "; read again, in full");
                read = readOnce(now, Set.of(), Set.of()).after(told);
            }
        }
        dataset = token.isPresent() ? token : dataset;
        return read;
    }

    /**
     * The written targets whose existence this read checks (DESIGN sections 16 and 22). While the link has listened since the
     * last read, only those Redis named more often than this runner's last write modified them (once each: {@code
     * lastModified}), so someone else changed, deleted, evicted or expired them; when a link was just opened (what happened
     * before was not heard), every one; with no link (full reads, a Cluster), a share of them in turn, each within two reads.
     */
    private List<String> lostTargetCheck(Set<String> written, Set<String> lastModified) {
        if (written.isEmpty()) {
            return List.of();
        }
        Optional<Map<String, Integer>> heard = cache.targetsHeard();
        if (heard.isPresent()) {
            List<String> suspects = new ArrayList<>();
            heard.get().forEach((symbol, times) -> {
                if (written.contains(symbol) && times > (lastModified.contains(symbol) ? 1 : 0)) {
                    suspects.add(symbol);
                }
            });
            return suspects;
        }
        if (cache.listening()) {
            return List.copyOf(written);
        }
        return share(written);
    }

    /** The share of {@code written} whose existence a read without a link checks, in turn. */
    private List<String> share(Set<String> written) {
        long turn = checks++ % LOST_TARGET_SHARDS;
        List<String> out = new ArrayList<>(written.size() / LOST_TARGET_SHARDS + 1);
        for (String symbol : written) {
            if (Math.floorMod(symbol.hashCode(), LOST_TARGET_SHARDS) == turn) {
                out.add(symbol);
            }
        }
        return out;
    }

    /** One read at {@code now}: begins the cache's plan, picks the discovery, reads, keeps the discovery used. */
    private ReadResult readOnce(Instant now, Set<String> written, Set<String> lastModified) {
        InputCache.Plan plan = cache.begin(now, discovery).after(List.copyOf(pending));
        pending.clear();
        List<String> targets = lostTargetCheck(written, lastModified);
        Optional<Discovery> previous = discovery;
        // Listening, the discovery stands until a change names a symbol it lacks (or the audit, which walks the keyspace and
        // compares); without a link it is walked again when it is RESCAN old.
        Optional<Discovery> reuse = plan.rescan() || plan.audit() ? Optional.empty()
                : plan.use() && previous.map(d -> d.overCapacity() == 0).orElse(false)
                ? previous.filter(d -> !now.isBefore(d.scannedAt())) : previous.filter(d -> d.fresh(now));
        try {
            ReadPass[] pass = new ReadPass[1];
            ReadResult read = connection.call(RedisFailure.Operation.READ, nodes -> (pass[0] = new ReadPass(connection, cache, staticClusterMap,
                    maxSymbols, nodes, plan, now)).read(reuse, previous, targets));
            token = pass[0].token;
            discovery = Optional.of(read.discovery());
            return read;
        } catch (RuntimeException e) {
            pending.addAll(0, plan.drops()); // not lost: the next read tells them
            throw e;
        }
    }

    /** The regime stream entries read back to find the newest valid one ({@link ReadPass}'s; tests name it here). */
    public static final int REGIME_LOOKBACK = ReadPass.REGIME_LOOKBACK;
}
