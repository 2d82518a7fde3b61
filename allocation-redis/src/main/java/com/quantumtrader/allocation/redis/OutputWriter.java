package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.core.CarryOver;
import com.quantumtrader.allocation.core.CycleResult;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Outcome;
import com.quantumtrader.allocation.core.Scalars;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import redis.clients.jedis.Response;

/**
 * Writes one cycle's outputs (DESIGN section 4) in one fenced write unit ({@link FencedWrite}: a
 * transaction, conditional on the lease and the epoch through WATCH), so no reader ever sees half a cycle and a
 * runner that lost its lease lands nothing: in enforce mode every target hash (DEL, HSET of all fields, EXPIRE) and the decision
 * stream entries (reduce writes as enforce, its hashes with {@code mode} enforce so the Governor uses them); in shadow
 * mode the decision stream entries only, and no target key is touched, except in the first cycle after
 * enforce or reduce, which deletes every target.
 * A skipped cycle writes nothing. In enforce mode the target hash of a symbol that is no longer
 * allocated (its budget vanished or was rejected) is deleted in the same transaction. The
 * writer is stateless: what the service holds in Redis comes in with the {@link CarryOver} and the
 * next carry-over goes out in the {@link WriteResult}; when the written targets are unknown (a start,
 * a failed write) it reads the service's existing target hashes from Redis first.
 */
public final class OutputWriter {

    private static final String[] SIGNATURE = TargetHash.SIGNATURE_FIELDS;
    /** What the first write of a process reads of each of the service's target hashes. */
    private static final String[] SIGNATURE_AND_TIMESTAMP = {SIGNATURE[0], SIGNATURE[1], SIGNATURE[2], TargetHash.TIMESTAMP};

    private final RedisConnection connection;
    private final long targetTtlSeconds;
    private final long streamMaxLen;
    /**
     * @param targetTtlSeconds EXPIRE of each target hash ({@code TARGET_TTL_SEC})
     * @param streamMaxLen     {@code MAXLEN ~} of the decision stream ({@code P29_DECISION_STREAM_MAXLEN})
     */
    public OutputWriter(RedisConnection connection, long targetTtlSeconds, long streamMaxLen) {
        this.connection = Objects.requireNonNull(connection, "connection");
        if (targetTtlSeconds < 1) {
            throw new IllegalArgumentException("targetTtlSeconds: must be >= 1, was " + targetTtlSeconds);
        }
        if (streamMaxLen < 1) {
            throw new IllegalArgumentException("streamMaxLen: must be >= 1, was " + streamMaxLen);
        }
        this.targetTtlSeconds = targetTtlSeconds;
        this.streamMaxLen = streamMaxLen;
    }

    /**
     * Writes a computed cycle when nothing is known of earlier writes (a one-shot command): the
     * service's target hashes are read from Redis first. See {@link #write(CycleResult, Mode, String, CarryOver, Fence)}.
     */
    public WriteResult write(CycleResult result, Mode mode, String cycleId, Fence fence) {
        return write(result, mode, cycleId, CarryOver.START, fence);
    }

    /**
     * Writes a computed cycle as one fenced write unit; a skipped one writes nothing. In enforce and
     * reduce mode the target of every symbol in {@code next} that has no decision now is deleted in the
     * same unit, also when the cycle has no decision at all (every budget vanished or was rejected).
     * In shadow mode after enforce or reduce ({@code next}'s mode), every target is deleted in the same
     * unit, also in a skipped cycle. The unit also writes {@code quantum:allocation:state} from
     * {@code next} (zone, relax timer, and {@code mode} as the mode in force). Reduce's rule is applied
     * before ({@link com.quantumtrader.allocation.core.Allocator#reduce}); here reduce writes as enforce.
     *
     * @param cycleId the {@code cycle_id} of every stream entry of this cycle
     * @param next    the cycle's carry-over, whose {@link CarryOver#written()} says which target hashes the
     *                service holds (the last write's {@link WriteResult#next()}); unknown written targets are
     *                read from Redis first (SCAN pages + one pipeline)
     * @param fence   the lease and epoch the unit is conditional on
     * @throws RedisFailure of kind {@code fenced} when the fence no longer holds (nothing applied); of another
     *                      kind when Redis refused or failed the unit; Redis may then have applied part or all
     *                      of it (a command failing inside the unit, a reply that timed out), so the caller's
     *                      carry-over becomes {@link CarryOver#withWrittenUnknown()}
     */
    public WriteResult write(CycleResult result, Mode mode, String cycleId, CarryOver next, Fence fence) {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(cycleId, "cycleId");
        Objects.requireNonNull(next, "next");
        Objects.requireNonNull(fence, "fence");
        boolean targets = mode.writesTargets();
        // Leaving enforce or reduce for shadow: every target goes, in this cycle, computed or skipped.
        boolean retract = mode == Mode.SHADOW && next.mode().isPresent() && next.mode().get() != Mode.SHADOW;
        if (result.outcome() != Outcome.COMPUTED && !retract) {
            return WriteResult.nothing(next.withMode(mode));
        }
        // The Governor uses a target only when its mode is enforce: reduce writes enforce hashes (their cap says reduce).
        Mode hashMode = targets ? Mode.ENFORCE : Mode.SHADOW;
        Set<String> written = new HashSet<>(result.decisions().size() * 2);
        return connection.call(RedisFailure.Operation.WRITE, nodes -> {
            long before = connection.roundTrips();
            Map<String, CarryOver.WrittenTarget> held = targets || retract ? next.written().orElseGet(() -> readWritten(nodes)) : Map.of();
            if (targets) {
                for (Decision d : result.decisions()) {
                    written.add(d.symbol());
                }
            }
            List<String> gone = new ArrayList<>();
            for (String symbol : held.keySet()) {
                if (!written.contains(symbol)) {
                    gone.add(symbol);
                }
            }
            FencedWrite unit = new FencedWrite(fence);
            String maxLen = Long.toString(streamMaxLen);
            String ttl = Long.toString(targetTtlSeconds);
            for (Decision d : result.decisions()) {
                DecisionEntry entry = DecisionEntry.of(d, result.now(), hashMode, cycleId);
                if (targets) {
                    String key = Keys.target(d.symbol());
                    unit.add("DEL", key);
                    unit.add("HSET", key, entry.target().encode());
                    unit.add("EXPIRE", key, ttl);
                }
                unit.add("XADD", Keys.DECISION_STREAM, entry.encode(), "MAXLEN", "~", maxLen, "*");
            }
            for (String symbol : gone) {
                unit.add("DEL", Keys.target(symbol)); // left the universe, or shadow now: its target goes in the same unit
            }
            CarryOver after = next.withMode(mode);
            unit.add("HSET", Keys.STATE, StateHash.of(after, fence, result.now()).encode());
            unit.run(nodes);
            int n = result.decisions().size();
            if (!targets) {
                return new WriteResult(0, gone.size(), n, connection.roundTrips() - before, retract ? after.withWritten(Map.of()) : after);
            }
            Map<String, CarryOver.WrittenTarget> now = new HashMap<>(n * 2);
            for (Decision d : result.decisions()) {
                now.put(d.symbol(), new CarryOver.WrittenTarget(d.targetUsd(), result.now()));
            }
            return new WriteResult(n, gone.size(), n, connection.roundTrips() - before, after.withWritten(now));
        });
    }

    /**
     * {@code next} with its written targets known: as they are, or read from Redis when unknown (a
     * start, a failed write, a takeover). Reduce mode needs them before it computes.
     */
    public CarryOver withWrittenKnown(CarryOver next) {
        Objects.requireNonNull(next, "next");
        if (next.written().isPresent()) {
            return next;
        }
        return next.withWritten(connection.call(RedisFailure.Operation.WRITE, this::readWritten));
    }

    /**
     * The service's target hashes in Redis, per symbol: {@code target_usd} and {@code timestamp}
     * (0 and the epoch where a value does not parse: such a hash is rewritten or deleted anyway).
     */
    private Map<String, CarryOver.WrittenTarget> readWritten(Nodes nodes) {
        Map<String, CarryOver.WrittenTarget> written = new HashMap<>();
        ourTargets(nodes).forEach((key, values) -> {
            double usd = TargetHash.targetUsd(values.get(0)).orElse(0);
            Instant at = Instant.ofEpochSecond(TargetHash.epochSeconds(values.get(SIGNATURE.length)).orElse(0));
            written.put(key.substring(Keys.TARGET_PREFIX.length()), new CarryOver.WrittenTarget(usd, at));
        });
        return written;
    }

    /**
     * Deletes every target hash this service wrote, now (emergency rollback to shadow without
     * waiting for the TTL). A key counts as ours when its suffix is a symbol name (so
     * {@code quantum:allocation:target:proposed:{symbol}} never does) and it is a hash carrying
     * {@code target_usd}, {@code cap} and {@code base_budget_usd}. Nothing else is touched.
     *
     * In a Cluster every primary is searched, and each key is deleted alone (one round trip per node).
     *
     * @return the number of target hashes deleted
     */
    public int retract() {
        return connection.call(RedisFailure.Operation.RETRACT, nodes -> {
            Set<String> ours = ourTargets(nodes).keySet();
            if (ours.isEmpty()) {
                return 0;
            }
            if (!nodes.clustered()) {
                long deleted = nodes.single().del(ours.toArray(new String[0]));
                nodes.countRoundTrip();
                return (int) deleted;
            }
            List<Response<Long>> replies = new ArrayList<>(ours.size());
            for (String key : ours) {
                replies.add(nodes.pipeline(key).del(key));
            }
            nodes.sync();
            long deleted = 0;
            for (Response<Long> r : replies) {
                deleted += r.get();
            }
            return (int) deleted;
        });
    }

    /**
     * The target hashes this service wrote: a key whose suffix is a symbol name (so
     * {@code quantum:allocation:target:proposed:{symbol}} never is) holding a hash with
     * {@code target_usd}, {@code cap} and {@code base_budget_usd}. SCAN pages plus one pipeline (per primary).
     */
    private Map<String, List<String>> ourTargets(Nodes nodes) {
        List<String> candidates = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String key : InputReader.scan(nodes, Keys.TARGET_PREFIX + "*")) {
            if (Scalars.isValidName(key.substring(Keys.TARGET_PREFIX.length())) && seen.add(key)) {
                candidates.add(key);
            }
        }
        if (candidates.isEmpty()) {
            return Map.of();
        }
        List<Response<List<String>>> replies = new ArrayList<>(candidates.size());
        for (String key : candidates) {
            replies.add(nodes.pipeline(key).hmget(key, SIGNATURE_AND_TIMESTAMP));
        }
        nodes.sync();
        Map<String, List<String>> ours = new LinkedHashMap<>();
        for (int i = 0; i < candidates.size(); i++) {
            List<String> values = InputReader.orNullIfWrongType(replies.get(i));
            if (values != null && values.subList(0, SIGNATURE.length).stream().allMatch(Objects::nonNull)) {
                ours.put(candidates.get(i), values);
            }
        }
        return ours;
    }
}
