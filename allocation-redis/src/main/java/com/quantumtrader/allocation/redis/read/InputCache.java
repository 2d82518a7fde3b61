package com.quantumtrader.allocation.redis.read;

import com.quantumtrader.allocation.redis.wire.Keys;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The inputs earlier reads found that no change has touched since, as {@link InputReader} uses them: {@link TrackedCache}
 * with incremental reads ({@code P29_INCREMENTAL=true}), {@link NoCache} without (every read full). Used by the reader's
 * thread only. Not sealed: a sealed interface names its implementations, a class cycle (ArchitectureTest).
 */
interface InputCache extends AutoCloseable {

    /** The hashes read by HMGET that the cache keeps, by id (a symbol or a cluster). */
    enum Part {
        BUDGET, ATTRIBUTION, STRESS, CLUSTER_STATE;

        /** The key of {@code id}'s hash of this part. */
        String key(String id) {
            return switch (this) {
                case BUDGET -> Keys.budget(id);
                case ATTRIBUTION -> Keys.attribution(id);
                case STRESS -> Keys.stress(id);
                case CLUSTER_STATE -> Keys.clusterState(id);
            };
        }
    }

    /** The inputs whose invalidation starts a cycle at once (DESIGN section 19). */
    enum Change { PORTFOLIO, REGIME, CONTROL }

    /**
     * What this read may do with the cache.
     *
     * @param use    cached values stand in for reads (false: read every key, and keep what is read when {@code keep})
     * @param keep   replies are kept for the next reads (a link listens)
     * @param audit  a full read that compares what the cache held, the discovery included
     * @param rescan walk the keyspace now: a changed key names a symbol the discovery does not hold, or changes may have
     *               gone unheard (a new link, a flush)
     * @param drops  why the cache was dropped since the last read
     * @param note   why the cache could not be used, when that is not a drop (no tracking, a Cluster, its capacity)
     * @param heard  the input keys Redis named as changed at this read's barrier
     */
    record Plan(boolean use, boolean keep, boolean audit, boolean rescan, List<ReadResult.Drop> drops, Optional<String> note,
                Set<String> heard) {
        static final Plan OFF = new Plan(false, false, false, false, List.of(), Optional.empty(), Set.of());

        public Plan {
            drops = List.copyOf(drops);
            Objects.requireNonNull(note, "note");
            heard = Set.copyOf(heard);
        }

        /** This plan with {@code more} drops told first. */
        Plan after(List<ReadResult.Drop> more) {
            if (more.isEmpty()) {
                return this;
            }
            List<ReadResult.Drop> all = new java.util.ArrayList<>(more);
            all.addAll(drops);
            return new Plan(use, keep, audit, rescan, all, note, heard);
        }
    }

    /**
     * A kept value that differed from what an audit read, before the second barrier says whether a change explains it.
     *
     * @param key         the input key
     * @param present     whether Redis held a value for it (false: the key is gone)
     * @param keptExpiry  when the kept value's key expires, epoch ms on Redis's clock; -1: no expiry known
     */
    record Difference(String key, boolean present, long keptExpiry) {
        public Difference {
            Objects.requireNonNull(key, "key");
        }
    }

    /** Who is told when the portfolio, the regime or a control changes (on the link's thread; it must not block). */
    void onChange(Consumer<Change> listener);

    /**
     * Begins a read at {@code now} over {@code discovery} (the one it would reuse, if any): checks the link, takes the keys
     * changed since the last read (the barrier). Never throws: a link that cannot be opened means a full read, noted.
     */
    Plan begin(Instant now, Optional<Discovery> discovery);

    /** {@code plan}, or a full read that keeps nothing for a universe beyond the cache's capacity. */
    Plan fit(Plan plan, int symbols);

    /** A kept reply that may stand in for a read at {@code now}, or null: not kept, an audit, or its key has expired. */
    List<String> get(Plan plan, Part part, String id, Instant now);

    /** Whether the cache holds a value of {@code id}'s key that it would serve at {@code now} (not expired, not empty). */
    boolean holds(Part part, String id, Instant now);

    /** Keeps when {@code id}'s key read this cycle expires ({@code pttlMillis} from {@code now}; negative: no expiry). */
    void expiry(Plan plan, Part part, String id, long pttlMillis, Instant now);

    /**
     * Keeps a reply read this cycle ({@code null}: the key could not be read as a hash, nothing is kept). In an audit, a
     * reply that differs from what the cache would have served is returned as a {@link Difference}; else null.
     */
    Difference put(Plan plan, Part part, String id, List<String> reply, Instant now);

    /** The cluster map's chunks kept for {@code symbols}, or null when they must be read. */
    List<List<String>> mapChunks(Plan plan, List<String> symbols);

    /** Keeps the chunks read for {@code symbols} (null: the wrong type, nothing kept); in an audit, whether they differ. */
    boolean putMapChunks(Plan plan, List<String> symbols, List<List<String>> chunks);

    /**
     * Ends an audit: which {@code differences} are discrepancies (a change the cache missed). A change Redis named before
     * the read began (at {@link #begin}'s barrier) was forgotten there and is no difference. Of those named since, at this
     * second barrier, not one: a key whose value Redis holds (a write racing the read: the newer value is in use), or one
     * gone with its kept expiry due by {@code readEnd} (its own expiry racing the read). Every other difference counts: a
     * key gone with an expiry the cache did not know (deleted by the audit's own read: Redis's background expiry had not
     * reached it), and every difference no change explains (a swapped dataset, a missed invalidation).
     */
    List<String> settle(Plan plan, List<Difference> differences, Instant readEnd);

    /**
     * How many times Redis named each of the service's target keys ({@code quantum:allocation:target:<symbol>}, by symbol)
     * between the last two barriers, when the link listened all that time (DESIGN section 22: the lost-target check reads
     * only the targets changed by someone else); empty when it did not (no link, or a link opened, lost or flushed at this
     * read's {@link #begin}: what happened before it was not heard).
     */
    java.util.Optional<java.util.Map<String, Integer>> targetsHeard();

    /** Drops every kept value (the link, if any, goes on listening). */
    void drop();

    /** Whether a link listens now. */
    boolean listening();

    @Override
    void close();
}
