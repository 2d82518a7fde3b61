package com.quantumtrader.allocation.redis.write;

import com.quantumtrader.allocation.redis.client.Arg;
import com.quantumtrader.allocation.redis.client.Command;
import com.quantumtrader.allocation.redis.client.Reply;

import com.quantumtrader.allocation.redis.wire.CycleEntry;
import com.quantumtrader.allocation.redis.wire.DecisionEntry;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.wire.Trigger;
import com.quantumtrader.allocation.redis.wire.RemovalEntry;
import com.quantumtrader.allocation.redis.wire.StateHash;
import com.quantumtrader.allocation.redis.wire.TargetHash;
import com.quantumtrader.allocation.redis.wire.Fence;
import com.quantumtrader.allocation.redis.wire.Values;
import com.quantumtrader.allocation.redis.wire.Names;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisFailure;
import com.quantumtrader.allocation.redis.client.Nodes;

import com.quantumtrader.allocation.core.CarryOver;
import com.quantumtrader.allocation.core.CycleResult;
import com.quantumtrader.allocation.core.CycleStep;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.core.Scalars;
import com.quantumtrader.allocation.core.WritePlan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

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
    /** What the first write of a process reads of each of the service's target hashes: the signature, the timestamp, the labels. */
    private static final String[] READ_BACK = {SIGNATURE[0], SIGNATURE[1], SIGNATURE[2], TargetHash.TIMESTAMP,
            TargetHash.CLUSTER_ID, TargetHash.REGIME, TargetHash.DRAWDOWN_ZONE, TargetHash.WEIGHT, TargetHash.REGIME_FACTOR,
            TargetHash.CLUSTER_FACTOR, TargetHash.DRAWDOWN_FACTOR, TargetHash.PERFORMANCE_FACTOR, TargetHash.CONFIDENCE};
    /** Where {@link #READ_BACK} holds the weight, and the fields of a written target's content fingerprint, in its order. */
    private static final int WEIGHT_AT = java.util.Arrays.asList(READ_BACK).indexOf(TargetHash.WEIGHT);
    private static final int[] CONTENT_AT = java.util.stream.Stream.of(TargetHash.BASE_BUDGET_USD, TargetHash.REGIME_FACTOR,
            TargetHash.CLUSTER_FACTOR, TargetHash.DRAWDOWN_FACTOR, TargetHash.PERFORMANCE_FACTOR, TargetHash.CONFIDENCE)
            .mapToInt(java.util.Arrays.asList(READ_BACK)::indexOf).toArray();
    /** {@code P29_MIN_CHANGE_PCT} and {@code P29_TARGET_REFRESH_SEC} defaults. */
    public static final double DEFAULT_MIN_CHANGE_PCT = com.quantumtrader.allocation.core.CycleStep.Settings.DEFAULT_MIN_CHANGE_PCT;
    public static final Duration DEFAULT_REFRESH = com.quantumtrader.allocation.core.CycleStep.Settings.DEFAULT_REFRESH;
    public static final long DEFAULT_CYCLE_STREAM_MAXLEN = 50_000;
    /**
     * Commands after which the units built so far are sent (one more round trip) before the next are built, so a
     * write's memory is bounded whatever the universe: ~20,000 commands are ~5,000 new targets (DEL, HSET, EXPIRE,
     * XADD), ~30 MB of encoded arguments. A cycle of 10,000 symbols in steady state stays one round trip.
     */
    static final int FLUSH_COMMANDS = 20_000;

    /**
     * What the cycle stream entry needs beyond the cycle itself.
     *
     * @param instance        the writer's {@code P29_INSTANCE_ID}
     * @param durationMs      read and compute, up to the write
     * @param failedSinceLast cycles of this runner that failed since its previous entry
     */
    public record CycleStamp(String instance, long durationMs, long failedSinceLast, Trigger trigger) {
        public CycleStamp {
            Names.checkInstanceId(instance);
            java.util.Objects.requireNonNull(trigger, "trigger");
        }

        /** A stamp of a cycle the timer started. */
        public CycleStamp(String instance, long durationMs, long failedSinceLast) {
            this(instance, durationMs, failedSinceLast, Trigger.TIMER);
        }
    }

    private final RedisConnection connection;
    private final long targetTtlSeconds;
    private final long streamMaxLen;
    private final Policy policy;
    private final double minChangePct;
    private final Duration refresh;
    private final long cycleStreamMaxLen;

    /** A writer with the default change threshold, refresh and cycle stream length and the default caps. */
    public OutputWriter(RedisConnection connection, long targetTtlSeconds, long streamMaxLen) {
        this(connection, targetTtlSeconds, streamMaxLen, Policy.DEFAULTS, DEFAULT_MIN_CHANGE_PCT, DEFAULT_REFRESH, DEFAULT_CYCLE_STREAM_MAXLEN);
    }

    /**
     * @param targetTtlSeconds  EXPIRE of each target hash ({@code TARGET_TTL_SEC})
     * @param streamMaxLen      {@code MAXLEN ~} of the decision stream ({@code P29_DECISION_STREAM_MAXLEN})
     * @param policy            the rules' caps, which a target left as written must not break
     * @param minChangePct      {@code P29_MIN_CHANGE_PCT}
     * @param refresh           {@code P29_TARGET_REFRESH_SEC}
     * @param cycleStreamMaxLen {@code P29_CYCLE_STREAM_MAXLEN}
     */
    public OutputWriter(RedisConnection connection, long targetTtlSeconds, long streamMaxLen, Policy policy, double minChangePct,
                        Duration refresh, long cycleStreamMaxLen) {
        this.connection = Objects.requireNonNull(connection, "connection");
        if (targetTtlSeconds < 1) {
            throw new IllegalArgumentException("targetTtlSeconds: must be >= 1, was " + targetTtlSeconds);
        }
        if (streamMaxLen < 1 || cycleStreamMaxLen < 1) {
            throw new IllegalArgumentException("streamMaxLen, cycleStreamMaxLen: must be >= 1, was " + streamMaxLen + ", " + cycleStreamMaxLen);
        }
        this.targetTtlSeconds = targetTtlSeconds;
        this.streamMaxLen = streamMaxLen;
        this.policy = Objects.requireNonNull(policy, "policy");
        this.minChangePct = minChangePct;
        this.refresh = Objects.requireNonNull(refresh, "refresh");
        this.cycleStreamMaxLen = cycleStreamMaxLen;
    }

    /**
     * Writes a computed cycle when nothing is known of earlier writes (a one-shot command): the
     * service's target hashes are read from Redis first. See {@link #write(CycleResult, Mode, String, CarryOver, Fence, Optional)}.
     */
    public WriteResult write(CycleResult result, Mode mode, String cycleId, Fence fence) {
        return write(result, mode, cycleId, CarryOver.START, fence, Optional.empty());
    }

    /** {@link #write(CycleResult, Mode, String, CarryOver, Fence, Optional)} without a cycle stream entry. */
    public WriteResult write(CycleResult result, Mode mode, String cycleId, CarryOver next, Fence fence) {
        return write(result, mode, cycleId, next, fence, Optional.empty());
    }

    /**
     * Writes a cycle as fenced write units pipelined in one round trip (DESIGN sections 4, 12, 13).
     *
     * <p>Which targets are written is {@link WritePlan}'s: new, changed (past {@code P29_MIN_CHANGE_PCT}, a
     * label, a cap) and refreshed ones; a target left as written is not touched. In enforce and reduce mode
     * the target of every symbol that has no decision now is deleted, also when the cycle has no decision at
     * all. In shadow mode no target key is touched, except in the first cycle after enforce or reduce
     * ({@code next}'s mode), which deletes every target, also in a skipped cycle. The decision stream gets
     * one entry per new, changed or removed target (in shadow: what enforce would have written).
     *
     * <p>Units: the targets of one allocation cluster that are written this cycle, their deletions and their
     * stream entries are one unit, so a reader never sees a cluster half scaled, and no unit holds more
     * than one cluster (a unit is as large as its cluster's changes: the first write of a process, which
     * writes every target, is the largest). The last unit writes {@code quantum:allocation:state} (zone, relax timer, the mode in force) and, with a
     * {@code stamp}, the cycle stream entry. A skipped cycle writes only that last unit (with a stamp).
     *
     * @param cycleId the {@code cycle_id} of every stream entry of this cycle
     * @param next    the cycle's carry-over; its written targets are what the service holds in Redis when its
     *                mode wrote targets (read from Redis when unknown, or when the mode before did not write)
     * @param fence   the lease and epoch every unit is conditional on
     * @param stamp   present: also append the cycle stream entry
     * @throws RedisFailure of kind {@code fenced} when the fence does not hold (no unit, or no later unit,
     *                      applied); of another kind when Redis refused or failed a unit: the caller's
     *                      carry-over becomes {@link CarryOver#withWrittenUnknown()}
     */
    public WriteResult write(CycleResult result, Mode mode, String cycleId, CarryOver next, Fence fence, Optional<CycleStamp> stamp) {
        return write(result, mode, cycleId, next, fence, stamp, Optional.empty());
    }

    /**
     * As {@link #write(CycleResult, Mode, String, CarryOver, Fence, Optional)}, when the read held only part of the
     * universe ({@code read}: the symbols it read, DESIGN section 16, over capacity): a written target of a symbol
     * outside it is not deleted (its budget may well be there; deleting it would lift its throttle at once), it
     * keeps its last value until {@code TARGET_TTL_SEC}. Only a symbol the read saw leave loses its target.
     */
    public WriteResult write(CycleResult result, Mode mode, String cycleId, CarryOver next, Fence fence, Optional<CycleStamp> stamp,
                             Optional<Set<String>> read) {
        return write(result, mode, cycleId, next, fence, stamp, read, Map.of());
    }

    /**
     * As {@link #write(CycleResult, Mode, String, CarryOver, Fence, Optional, Optional)}, also setting {@code stateFields}
     * in the state hash with the cycle's own (the controls held, {@link com.quantumtrader.allocation.redis.wire.HeldControls#encode()},
     * when they changed: the hash keeps them between the writes that carry them).
     */
    public WriteResult write(CycleResult result, Mode mode, String cycleId, CarryOver next, Fence fence, Optional<CycleStamp> stamp,
                             Optional<Set<String>> read, Map<String, String> stateFields) {
        Objects.requireNonNull(stateFields, "stateFields");
        Objects.requireNonNull(read, "read");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(next, "next");
        long before = connection.roundTrips();
        Map<String, CarryOver.WrittenTarget> held = CycleStep.needsHeld(result, mode, next) ? written() : Map.of();
        long readTrips = connection.roundTrips() - before;
        return write(CycleStep.write(result, mode, next, held, read, settings()), result, cycleId, fence, stamp, stateFields)
                .plusRoundTrips(readTrips);
    }

    /** The settings of the plans this writer makes for callers that hand it a computed result (its policy and thresholds). */
    public CycleStep.Settings settings() {
        return new CycleStep.Settings(policy, minChangePct, refresh);
    }

    /**
     * Carries out {@code write}, decided by the cycle's step ({@link CycleStep}): each allocation cluster's targets,
     * deletions and decision entries as one fenced unit, then the state hash (the carry-over, the fence, the cycle
     * id, {@code stateFields}) and, when stamped, the cycle entry.
     *
     * @param result      the step's result (its decisions, in the order of {@code write}'s plan)
     * @param stateFields fields set in the state hash with the cycle's own (the controls held, when they changed)
     */
    public WriteResult write(CycleStep.Write write, CycleResult result, String cycleId, Fence fence, Optional<CycleStamp> stamp,
                             Map<String, String> stateFields) {
        Objects.requireNonNull(write, "write");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(cycleId, "cycleId");
        Objects.requireNonNull(fence, "fence");
        Objects.requireNonNull(stamp, "stamp");
        Objects.requireNonNull(stateFields, "stateFields");
        if (!write.touchesTargets() && stamp.isEmpty()) {
            return WriteResult.nothing(write.after());
        }
        WritePlan.Plan plan = write.plan().orElse(null);
        Mode mode = write.mode();
        return connection.call(RedisFailure.Operation.WRITE, nodes -> {
            long before = connection.roundTrips();
            FencedWrite unit = new FencedWrite(fence, nodes);
            int[] counts = new int[3]; // written, deleted, streamed
            boolean targets = write.transition().writesTargets();
            String ttl = Long.toString(targetTtlSeconds);
            String timestamp = Scalars.formatEpochSeconds(result.now());
            List<String> lost = new ArrayList<>();
            Set<String> modified = new HashSet<>();
            for (List<Item> items : units(result, plan, write.removals()).values()) {
                List<String> touched = new ArrayList<>();
                for (Item item : items) {
                    if (item.change() == WritePlan.Change.TOUCH) {
                        touched.add(Keys.target(item.symbol())); // in shadow a plan touches nothing in Redis: targets is false
                    } else {
                        encode(unit, item, result.now(), mode, write.transition().hashMode(), cycleId, targets, counts);
                    }
                    if (targets && item.decision() != null || item.removal() != null && item.removal().delete()) {
                        modified.add(item.symbol());
                    }
                }
                if (targets) {
                    unit.touch(touched, ttl, timestamp);
                    counts[0] += touched.size();
                }
                unit.endUnit();
                if (unit.size() >= FLUSH_COMMANDS) {
                    unit.run(nodes); // bounded memory: a 100,000-symbol first write is sent in pipelines of whole units
                    lost.addAll(unit.lost());
                    unit = new FencedWrite(fence, nodes);
                }
            }
            CarryOver after = write.after();
            appendState(unit, after, fence, result, mode, cycleId, plan, stamp, stateFields);
            unit.run(nodes);
            lost.addAll(unit.lost());
            return new WriteResult(counts[0] - lost.size(), counts[1], counts[2], connection.roundTrips() - before, withoutLost(after, lost),
                    plan == null ? List.of() : plan.changes(), modified);
        });
    }

    /**
     * The carry-over without the touched targets Redis no longer held (deleted or evicted since the last write): the next
     * cycle finds them unwritten and writes them whole, within one interval.
     */
    private static CarryOver withoutLost(CarryOver after, List<String> lostKeys) {
        if (lostKeys.isEmpty() || after.written().isEmpty()) {
            return after;
        }
        Map<String, CarryOver.WrittenTarget> kept = new HashMap<>(after.written().get());
        for (String key : lostKeys) {
            kept.remove(key.substring(Keys.TARGET_PREFIX.length()));
        }
        return after.withWritten(kept);
    }

    /**
     * The cycle's items per allocation cluster (a cluster's items are one fenced unit): each decision to write or
     * stream, then each symbol whose target goes or whose removal is streamed, under the cluster it was written with.
     */
    private static Map<String, List<Item>> units(CycleResult result, WritePlan.Plan plan, Map<String, CycleStep.Removal> removals) {
        Map<String, List<Item>> byCluster = new TreeMap<>();
        if (plan != null && result instanceof CycleResult.Computed computed) {
            List<Decision> decisions = computed.decisions();
            for (int i = 0; i < decisions.size(); i++) {
                WritePlan.Change change = plan.changes().get(i);
                if (change.written()) {
                    Decision d = decisions.get(i);
                    byCluster.computeIfAbsent(d.clusterId(), k -> new ArrayList<>()).add(new Item(d, change, d.symbol(), null));
                }
            }
        }
        removals.forEach((symbol, removal) ->
                byCluster.computeIfAbsent(removal.clusterId(), k -> new ArrayList<>()).add(new Item(null, null, symbol, removal)));
        return byCluster;
    }

    /** One item's commands: a target's DEL-if-new, HSET, EXPIRE and decision entry, or a deletion and removal entry. */
    private void encode(FencedWrite unit, Item item, java.time.Instant now, Mode mode, Mode hashMode, String cycleId, boolean targets,
                        int[] counts) {
        String maxLen = Long.toString(streamMaxLen);
        if (item.decision() != null) {
            DecisionEntry entry = DecisionEntry.of(item.decision(), now, hashMode, cycleId,
                    item.change().streamed() ? item.change() : WritePlan.Change.CHANGED);
            Arg[] fields = FencedWrite.args(entry.target().encodePairs()); // encoded once for the hash and the entry
            if (targets) {
                String key = Keys.target(item.symbol());
                if (item.change() == WritePlan.Change.NEW) {
                    // whatever the key held (a foreign value, another type) goes; ours is overwritten whole by HSET
                    unit.add(Command.Name.DEL, key);
                }
                unit.addFields(Command.Name.HSET, key, fields, Arg.NONE);
                unit.add(Command.Name.EXPIRE, key, Long.toString(targetTtlSeconds));
                counts[0]++;
            }
            if (item.change().streamed()) {
                unit.addFields(Command.Name.XADD, Keys.DECISION_STREAM, fields,
                        FencedWrite.args(entry.encodeOwnPairs()), "MAXLEN", "~", maxLen, "*");
                counts[2]++;
            }
            return;
        }
        if (item.removal().delete()) {
            unit.add(Command.Name.DEL, Keys.target(item.symbol())); // left the universe, or shadow now
            counts[1]++;
        }
        if (item.removal().streamed()) {
            unit.add(Command.Name.XADD, Keys.DECISION_STREAM, new RemovalEntry(item.symbol(), cycleId, now, mode).encode(),
                    "MAXLEN", "~", maxLen, "*");
            counts[2]++;
        }
    }

    /** The last unit's tail: the state hash (carry-over, fence, cycle id) and, when stamped, the cycle entry. */
    private void appendState(FencedWrite unit, CarryOver after, Fence fence, CycleResult result, Mode mode, String cycleId,
                             WritePlan.Plan plan, Optional<CycleStamp> stamp, Map<String, String> stateFields) {
        Map<String, String> state = new LinkedHashMap<>(StateHash.of(after, fence, result.now()).encode());
        state.put(StateHash.CYCLE_ID, cycleId);
        state.putAll(stateFields);
        unit.add(Command.Name.HSET, Keys.STATE, state);
        if (stamp.isPresent()) {
            int unchanged = plan == null ? 0 : plan.count(WritePlan.Change.UNCHANGED);
            int planned = plan == null ? 0 : plan.changes().size() - unchanged;
            CycleStamp st = stamp.get();
            CycleEntry entry = CycleEntry.of(result, mode, cycleId, st.instance(), planned, unchanged,
                    plan == null ? 0 : plan.removed().size(), st.durationMs(), st.failedSinceLast(), st.trigger());
            unit.add(Command.Name.XADD, Keys.CYCLE_STREAM, entry.encode(), "MAXLEN", "~", Long.toString(cycleStreamMaxLen), "*");
        }
    }

    private record Item(Decision decision, WritePlan.Change change, String symbol, CycleStep.Removal removal) {
    }

    /**
     * The service's target hashes as Redis holds them now, per symbol (one SCAN of the target keys and their fields):
     * what a step compares with when its carry-over does not carry them ({@link CycleStep#readsWritten}).
     */
    public Map<String, CarryOver.WrittenTarget> written() {
        return connection.call(RedisFailure.Operation.WRITE, this::readWritten);
    }

    /** Round trips this writer's connection has made (a cycle counts the read of the written targets with its write's). */
    public long roundTrips() {
        return connection.roundTrips();
    }

    /** {@code next} with its written targets known: as it carries them after a write of targets, else {@link #written()}. */
    public CarryOver withWrittenKnown(CarryOver next) {
        Objects.requireNonNull(next, "next");
        if (next.written().isPresent() && next.mode().map(Mode::writesTargets).orElse(false)) {
            return next;
        }
        return next.withWritten(written());
    }

    /**
     * The service's target hashes in Redis, per symbol: {@code target_usd}, {@code timestamp} and labels
     * (0, the epoch and unknown labels where a value does not parse: such a hash is rewritten or deleted anyway).
     */
    private Map<String, CarryOver.WrittenTarget> readWritten(Nodes nodes) {
        Map<String, CarryOver.WrittenTarget> written = new HashMap<>();
        ourTargets(nodes).forEach((key, values) -> {
            double usd = TargetHash.targetUsd(values.get(0)).orElse(0);
            Instant at = Instant.ofEpochSecond(Values.epochSeconds(values.get(3)).orElse(0));
            CarryOver.Labels labels = values.get(4) == null || values.get(5) == null || values.get(6) == null ? CarryOver.Labels.UNKNOWN
                    : new CarryOver.Labels(values.get(4), values.get(5), values.get(6), values.get(1));
            written.put(key.substring(Keys.TARGET_PREFIX.length()), new CarryOver.WrittenTarget(usd, at, labels,
                    Scalars.parseNumber(values.get(WEIGHT_AT)).orElse(-1), content(values)));
        });
        return written;
    }

    /** The content fingerprint of a hash read back (base budget, the four factors, confidence); unknown when one does not parse. */
    private static long content(List<String> values) {
        double[] v = new double[CONTENT_AT.length];
        for (int i = 0; i < CONTENT_AT.length; i++) {
            java.util.OptionalDouble d = Scalars.parseNumber(values.get(CONTENT_AT[i]));
            if (d.isEmpty()) {
                return CarryOver.WrittenTarget.UNKNOWN_CONTENT;
            }
            v[i] = d.getAsDouble();
        }
        return CarryOver.WrittenTarget.content(v[0], v[1], v[2], v[3], v[4], v[5]);
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
            if (nodes.oneServer()) {
                long deleted = nodes.single().del(ours.toArray(new String[0]));
                nodes.countRoundTrip();
                return (int) deleted;
            }
            List<Reply<Long>> replies = new ArrayList<>(ours.size());
            for (String key : ours) {
                replies.add(nodes.pipeline(key).del(key));
            }
            nodes.sync();
            long deleted = 0;
            for (Reply<Long> r : replies) {
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
        for (String key : nodes.scan(Keys.TARGET_PREFIX + "*")) {
            if (Scalars.isValidName(key.substring(Keys.TARGET_PREFIX.length())) && seen.add(key)) {
                candidates.add(key);
            }
        }
        if (candidates.isEmpty()) {
            return Map.of();
        }
        List<Reply<List<String>>> replies = new ArrayList<>(candidates.size());
        for (String key : candidates) {
            replies.add(nodes.pipeline(key).hmget(key, READ_BACK));
        }
        nodes.sync();
        Map<String, List<String>> ours = new LinkedHashMap<>();
        for (int i = 0; i < candidates.size(); i++) {
            List<String> values = replies.get(i).orNullIfWrongType();
            if (values != null && values.subList(0, SIGNATURE.length).stream().allMatch(Objects::nonNull)) {
                ours.put(candidates.get(i), values);
            }
        }
        return ours;
    }
}
