package com.quantumtrader.allocation.runner.cycle;

import com.quantumtrader.allocation.runner.metrics.Metrics;
import com.quantumtrader.allocation.redis.read.DropCause;
import com.quantumtrader.allocation.redis.read.ReadRequest;
import com.quantumtrader.allocation.redis.read.ReadResult;
import com.quantumtrader.allocation.redis.read.InputReader;
import com.quantumtrader.allocation.core.Allocator;
import com.quantumtrader.allocation.core.CarryOver;
import com.quantumtrader.allocation.core.CycleInputs;
import com.quantumtrader.allocation.core.CycleResult;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.core.Fallback;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.core.WritePlan;
import com.quantumtrader.allocation.core.Rejection;
import com.quantumtrader.allocation.core.ScopedControl;
import com.quantumtrader.allocation.redis.Control;
import com.quantumtrader.allocation.redis.wire.ScopedControls;
import com.quantumtrader.allocation.redis.wire.ControlHash;
import com.quantumtrader.allocation.redis.wire.HeldControls;
import com.quantumtrader.allocation.redis.read.InputReader;
import com.quantumtrader.allocation.redis.wire.Decoded;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.wire.Fence;
import com.quantumtrader.allocation.redis.Lease;
import com.quantumtrader.allocation.redis.write.OutputWriter;
import com.quantumtrader.allocation.redis.read.DropCause;
import com.quantumtrader.allocation.redis.read.ReadRequest;
import com.quantumtrader.allocation.redis.read.ReadResult;
import com.quantumtrader.allocation.redis.client.RedisFailure;
import com.quantumtrader.allocation.redis.Role;
import com.quantumtrader.allocation.redis.wire.StateHash;
import com.quantumtrader.allocation.redis.write.WriteResult;
import com.quantumtrader.allocation.redis.wire.Beat;
import com.quantumtrader.allocation.redis.wire.Trigger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cycle: hold the lease, read, allocate, write (when leading), then count and log. Never throws:
 * a Redis failure or a bug becomes a failed {@link Report}, counted, and the loop goes on. The runner
 * owns the state that lives across cycles: the carry-over and its {@link Role} (leader with a fence,
 * or standby).
 */
public final class CycleRunner {

    private static final Logger LOG = LoggerFactory.getLogger(CycleRunner.class);

    /**
     * What a cycle did.
     *
     * @param result  the allocation, empty when the cycle failed
     * @param written what was written, empty when the cycle failed
     * @param seconds wall time of the whole cycle
     * @param failure why it failed, empty when it completed
     * @param leading whether this runner held the writer's lease and wrote the cycle
     * @param mode    the mode in force this cycle (control hash or {@code P29_MODE}), empty when the cycle failed before reading it
     */
    public record Report(Instant now, Optional<CycleResult> result, Optional<WriteResult> written, double seconds, Optional<String> failure,
                  Phases phases, boolean leading, Optional<Mode> mode) {
        public boolean computed() {
            return result.isPresent() && result.get() instanceof CycleResult.Computed;
        }
    }

    /**
     * Where a completed cycle spent its time, in nanoseconds, and its Redis round trips.
     * read includes decoding the strings; discover is the SCAN part of read, counted apart.
     */
    public record Phases(long discover, long read, long compute, long write, long roundTrips, long inputReads, ReadResult.Cache.Kind reads) {
        static final Phases NONE = new Phases(0, 0, 0, 0, 0, 0, ReadResult.Cache.Kind.OFF);
    }

    /**
     * What a runner owes the others beyond its cycle (DESIGN section 16).
     *
     * @param interval          {@code P29_INTERVAL_SEC}: a peer's beat older than two of them is not evidence it can lead
     * @param yieldAfterCycles  {@code P29_YIELD_AFTER_CYCLES}: a leader with this many cycles in a row without a completed
     *                          write gives the lease up while a standby reports that it computed
     * @param maxClockOffsetSec {@code P29_MAX_CLOCK_OFFSET_SEC}: a local clock further than this from Redis's is logged
     * @param logTargets        {@code P29_LOG_TARGETS}: changed targets logged per cycle, one line each (0: none)
     */
    public record Duty(Duration interval, int yieldAfterCycles, double maxClockOffsetSec, int logTargets) {
        static final Duty DEFAULTS = new Duty(Duration.ofSeconds(5), 3, 5, 20);

        public Duty {
            Objects.requireNonNull(interval, "interval");
            if (yieldAfterCycles < 1) {
                throw new IllegalArgumentException("yieldAfterCycles: must be >= 1, was " + yieldAfterCycles);
            }
            if (!(maxClockOffsetSec > 0)) {
                throw new IllegalArgumentException("maxClockOffsetSec: must be > 0, was " + maxClockOffsetSec);
            }
            if (logTargets < 0) {
                throw new IllegalArgumentException("logTargets: must be >= 0, was " + logTargets);
            }
        }
    }

    private final Lease lease;
    private final Duty duty;
    private final Clock localClock;
    private final String instance;
    private final InputReader reader;
    private final OutputWriter writer;
    private final Policy policy;
    /** {@code P29_MODE}: the mode when no valid control hash says otherwise. */
    private final Mode configured;
    private final Metrics metrics;
    private final RateLimitedLog warnings;
    /**
     * The carry-over between cycles. After a failed write its written targets become unknown, so the
     * next write re-reads them from Redis (Redis may have applied a write reported as failed).
     */
    private final CarryOverStore carryOver = new CarryOverStore();
    /**
     * The operator controls last read valid (DESIGN section 25): a control that cannot be read keeps the one held here in
     * force. Taken from the state hash on a takeover; written to it when it changes. Loop thread only.
     */
    private HeldControls held = HeldControls.NONE;
    /** What this runner's last completed write put in the state hash's held-control fields; empty: unknown, write them. */
    private Optional<HeldControls> heldWritten = Optional.empty();
    /** Expired scoped controls already logged ({@code field@until}), of those the hash still holds: each is logged once. */
    private final Set<String> expiredLogged = new HashSet<>();
    /** The role of the last cycle; written by the loop thread only. */
    private volatile Role role = Role.UNKNOWN;
    /** Cycles that failed since this runner's last cycle stream entry (its {@code failed_since_last}); loop thread only. */
    private long failedSinceEntry;

    /** The previous cycle's outcome, as this runner's next heartbeat reports it; loop thread only. */
    private Optional<Beat> lastBeat = Optional.empty();
    /** The other runners' beats seen in the last lease round trip; loop thread only. */
    private Map<String, Beat> peers = Map.of();
    /**
     * The highest epoch this runner has held or seen a leader hold: it never takes one at or below it (DESIGN section 20),
     * so a flush or a restart without persistence cannot set the fencing token back. Loop thread only.
     */
    private long highestEpoch;
    /** Cycles in a row this runner led without completing a write; loop thread only. */
    private int cyclesWithoutWrite;

    public CycleRunner(Lease lease, String instance, InputReader reader, OutputWriter writer, Policy policy, Mode mode, Metrics metrics,
                RateLimitedLog warnings) {
        this(lease, instance, reader, writer, policy, mode, metrics, warnings, Duty.DEFAULTS, Clock.systemUTC());
    }

    public CycleRunner(Lease lease, String instance, InputReader reader, OutputWriter writer, Policy policy, Mode mode, Metrics metrics,
                RateLimitedLog warnings, Duty duty, Clock localClock) {
        this.lease = lease;
        this.duty = Objects.requireNonNull(duty, "duty");
        this.localClock = Objects.requireNonNull(localClock, "localClock");
        this.instance = instance;
        this.reader = reader;
        this.writer = writer;
        this.policy = policy;
        this.configured = mode;
        this.metrics = metrics;
        metrics.mode(mode);
        this.warnings = warnings;
    }

    /**
     * What a cycle computed, before it writes: its result (reduced in reduce mode), the carry-over it hands on and
     * what it does with the target hashes.
     */
    public record Step(CycleResult result, CarryOver next, WritePlan.Transition transition) {
    }

    /**
     * The cycle's sequence from its inputs to what it writes, the one place it is written ({@code run} and {@code once},
     * and so the demo and the bench), in DESIGN section 17's order: the rules with the symbol, cluster and gross caps
     * ({@link Allocator#cycle}), the transition of the mode in force ({@link WritePlan#transition}), the scoped
     * controls and the ramp ({@link Allocator#constrain}), then the global mode: halt sets every target to 0, reduce
     * holds each at most at what is written. The written targets come from the carry-over, else (a leader that needs
     * them) from Redis through {@code writer}; a standby, which writes nothing, uses what it has.
     */
    public static Step step(CycleInputs inputs, Mode mode, Policy policy, Instant now, CarryOver previous, boolean leading, OutputWriter writer,
                     List<ScopedControl> controls) {
        Allocator.Cycle cycle = Allocator.cycle(inputs, policy, now, previous);
        WritePlan.Transition transition = WritePlan.transition(mode, previous.mode(), leading);
        CycleResult result = cycle.result();
        CarryOver next = cycle.next();
        boolean needsWritten = transition.reduces() || policy.ramps()
                || controls.stream().anyMatch(c -> c.action() == ScopedControl.Action.REDUCE && c.inForce(now));
        if (needsWritten && next.written().isEmpty() && transition.writes() && writer != null) {
            next = writer.withWrittenKnown(next);
        }
        Map<String, CarryOver.WrittenTarget> written = next.written().orElse(Map.of());
        result = Allocator.constrain(result, controls, written, policy);
        if (transition.halts()) {
            result = Allocator.halt(result);
        }
        if (transition.reduces()) {
            result = Allocator.reduce(result, written);
        }
        return new Step(result, next, transition);
    }

    /** {@link #step(CycleInputs, Mode, Policy, Instant, CarryOver, boolean, OutputWriter, List)} without scoped controls. */
    public static Step step(CycleInputs inputs, Mode mode, Policy policy, Instant now, CarryOver previous, boolean leading, OutputWriter writer) {
        return step(inputs, mode, policy, now, previous, leading, writer, List.of());
    }

    /** Runs one cycle evaluated at Redis's clock ({@code TIME}, read with the lease): the service's one clock. */
    public Report run() {
        return run(Optional.empty(), Trigger.TIMER);
    }

    /** {@link #run()}, started by {@code trigger} (the cycle stream records it). */
    public Report run(Trigger trigger) {
        return run(Optional.empty(), trigger);
    }

    /** Runs one cycle evaluated at {@code now} instead of Redis's clock (tests that step time, a replay). */
    public Report run(Instant now) {
        return run(Optional.of(now), Trigger.TIMER);
    }

    /** The reader of the inputs: the loop asks it to be told of changes that start a cycle. */
    public InputReader reader() {
        return reader;
    }

    /** The last cache discrepancy keys logged, at most this many per audit. */
    static final int LOG_DISCREPANCIES = 10;

    private Report run(Optional<Instant> fixedNow, Trigger trigger) {
        long start = System.nanoTime();
        Mode mode = configured;
        Optional<Mode> inForce = Optional.empty();
        Instant now = fixedNow.orElseGet(localClock::instant); // until Redis's clock is read
        Report report = null;
        try {
            Lease.Tenure tenure = holdLease(now);
            if (fixedNow.isEmpty()) {
                now = tenure.serverNow();
                clockOffset(tenure);
            }
            yieldIfUnable(now);
            ReadResult read = reader.read(new ReadRequest(now, tenure(role), writtenToVouchFor(), carryOver.lastWrite()));
            if (read.cache().dropped(DropCause.DATASET_CHANGED)) {
                // The state hash is the service's witness in the database (DESIGN section 20): Redis does not hold this runner's
                // last write, so the dataset changed under it. The reader dropped what it knew; the written targets go too.
                LOG.warn("Redis does not hold this runner's last write (state hash cycle_id {}, expected {}): a flush, a swapped"
                        + " database, a restore or a failover that lost it; the input cache and the discovery were dropped, the"
                        + " targets are re-read", read.lastWrite().orElse("none"), carryOver.lastWrite().orElse("none"));
                carryOver.forgetWrites();
            }
            cacheOutcome(read.cache());
            CycleInputs inputs = read.decode();
            long t1 = System.nanoTime();
            HeldControls.Applied applied = held.apply(read.control(), read.scoped(), configured);
            held = applied.held();
            mode = modeInForce(read.control(), applied);
            inForce = Optional.of(mode);
            long excess = read.discovery().overCapacity();
            metrics.universe(excess);
            if (excess > 0) {
                warnings.warn("over-capacity", LOG.atError().addKeyValue("symbols_left_out", excess).addKeyValue("instance", instance),
                        "The universe is beyond this runner's capacity: " + excess + " budget keys beyond P29_MAX_SYMBOLS="
                                + read.discovery().symbols().size() + " are left out (no target for them; the Governor uses their raw"
                                + " budget). Kept: the symbols with a target first, then by name. An upstream publishing extra"
                                + " budget keys, or raise the heap and P29_MAX_SYMBOLS (docs/performance.md)");
            }
            if (read.targetsGone() > 0) {
                metrics.targetsLost(read.targetsGone());
                LOG.atWarn().addKeyValue("targets_gone", read.targetsGone()).addKeyValue("instance", instance)
                        .log(read.targetsGone() + " of the target hashes this runner wrote are gone from Redis (deleted, evicted or a"
                                + " node restarted): re-reading the targets, the missing are rewritten this cycle");
                carryOver.forgetWrites();
            }
            CarryOver previous = carryOver.get();
            boolean leading = role.leading();
            List<ScopedControl> controls = scopedControls(read.scoped(), applied.controls(), now);
            Step step = step(inputs, mode, policy, now, previous, leading, writer, controls);
            CycleResult result = step.result();
            CarryOver next = step.next();
            if (previous.zone().isPresent() && !previous.zone().equals(next.zone())) {
                metrics.zoneChanged();
                LOG.info("Drawdown zone in force: {} -> {}", previous.zone().get(), next.zone().map(Enum::name).orElse("none"));
            }
            if (!previous.mode().equals(inForce)) {
                logModeChange(previous.mode(), mode, read.control(), applied);
            }
            long t2 = System.nanoTime();
            Optional<Set<String>> partial = excess > 0 ? Optional.of(new HashSet<>(read.discovery().symbols())) : Optional.empty();
            WriteResult written = step.transition().writes() ? write(result, mode, next, now, (t2 - start) / 1_000_000, partial, trigger)
                    : standby(next, mode);
            leading = leading && role.leading(); // false when the write was fenced
            long t3 = System.nanoTime();
            double seconds = (t3 - start) / 1e9;
            metrics.completed(result, mode, leading, written.decisionsStreamed(), seconds);
            log(result, mode, seconds, leading, read.cache().kind(), trigger);
            if (leading) {
                logChangedTargets(result, written);
            }
            metrics.cycleStarted(trigger);
            Phases phases = new Phases(read.discoverNanos(), t1 - start - read.discoverNanos(), t2 - t1, t3 - t2,
                    read.roundTrips() + written.roundTrips(), read.cache().inputReads(), read.cache().kind());
            report = new Report(now, Optional.of(result), Optional.of(written), seconds, Optional.empty(), phases, leading, inForce);
            return report;
        } catch (RedisFailure e) {
            double seconds = (System.nanoTime() - start) / 1e9;
            failedSinceEntry++;
            carryOver.forgetWrites(); // Redis may have restarted, failed over or applied part of a write: re-read next time
            reader.drop(DropCause.FAILED_CYCLE);
            metrics.failed(Optional.of(e.kind().wireName()), seconds);
            metrics.redisUp(!e.kind().unreachable());
            // One rate-limit key per cause: a READONLY or OOM is logged when it first appears even
            // while a burst of timeouts is being suppressed.
            // Redis unreachable or refusing the login is an ERROR (nothing can be computed or written; the targets expire);
            // a refusal of one command (READONLY, OOM, NOPERM, ...) stays a WARN naming it.
            boolean down = e.kind().unreachable();
            warnings.warn("redis-failure:" + e.kind().wireName(), (down ? warnings.errorEvent() : warnings.event())
                    .addKeyValue("outcome", "failed").addKeyValue("redis_cause", e.kind().wireName())
                    .addKeyValue("duration_s", round3(seconds)).addKeyValue("mode", mode.wireName()),
                    String.format(Locale.ROOT, "Allocation cycle failed after %.3fs: Redis %s (cause: %s)", seconds,
                            e.getMessage(), e.kind().wireName()));
            report = new Report(now, Optional.empty(), Optional.empty(), seconds, Optional.of("redis " + e.getMessage()
                    + " (cause: " + e.kind().wireName() + ")"),
                    Phases.NONE, false, inForce);
            return report;
        } catch (RuntimeException e) {
            double seconds = (System.nanoTime() - start) / 1e9;
            failedSinceEntry++;
            carryOver.forgetWrites();
            reader.drop(DropCause.FAILED_CYCLE);
            metrics.failed(Optional.empty(), seconds);
            LOG.error("Allocation cycle failed after {}s: unexpected error", String.format(Locale.ROOT, "%.3f", seconds), e);
            report = new Report(now, Optional.empty(), Optional.empty(), seconds, Optional.of(e.toString()), Phases.NONE, false, inForce);
            return report;
        } finally {
            beat(report, now);
        }
    }

    /**
     * Remembers the cycle's outcome for the next heartbeat and counts a leader's cycles without a
     * completed write (a computed cycle whose write landed resets it; a standby's is always 0).
     */
    private void beat(Report report, Instant now) {
        Beat.Outcome outcome = report == null || report.failure().isPresent() ? Beat.Outcome.FAILED
                : report.computed() ? Beat.Outcome.COMPUTED : Beat.Outcome.SKIPPED;
        boolean leading = role.leading();
        lastBeat = Optional.of(new Beat(outcome, now, leading));
        if (!leading) {
            cyclesWithoutWrite = 0;
        } else if (outcome == Beat.Outcome.COMPUTED && report.leading()) {
            cyclesWithoutWrite = 0;
        } else {
            cyclesWithoutWrite++;
        }
    }

    /** A standby whose last beat says it computed, no older than two intervals at {@code now}: it could lead. */
    private Optional<Map.Entry<String, Beat>> capablePeer(Instant now) {
        Instant since = now.minus(duty.interval().multipliedBy(2)).minusSeconds(1);
        return peers.entrySet().stream()
                .filter(e -> e.getValue().outcome() == Beat.Outcome.COMPUTED && !e.getValue().leading() && e.getValue().at().isAfter(since))
                .findFirst();
    }

    /**
     * DESIGN section 16: a leader that completed no write for {@code P29_YIELD_AFTER_CYCLES} cycles while a
     * standby reports that it computed gives the lease up (compare-and-delete, as on SIGTERM), and does not
     * take it back while that standby can lead (see {@link #holdLease}). When no runner can compute, nobody
     * yields: the lease stays where it is.
     */
    private void yieldIfUnable(Instant now) {
        if (!(role instanceof Role.Leader leader) || cyclesWithoutWrite < duty.yieldAfterCycles()) {
            return;
        }
        Optional<Map.Entry<String, Beat>> peer = capablePeer(now);
        if (peer.isEmpty()) {
            return;
        }
        boolean released = lease.release(leader.fence());
        metrics.yielded();
        LOG.atWarn().addKeyValue("role", "standby").addKeyValue("instance", instance).addKeyValue("epoch", leader.fence().token())
                .addKeyValue("peer", peer.get().getKey())
                .log("Yielding the writer's lease: " + instance + " completed no write in " + cyclesWithoutWrite + " cycles (last: "
                        + lastBeat.map(b -> b.outcome().wireName()).orElse("none") + ") while " + peer.get().getKey()
                        + " computed at " + peer.get().getValue().at() + "; lease " + (released ? "released" : "already gone")
                        + " at epoch " + leader.fence().token());
        role = new Role.Standby(Optional.empty(), leader.fence().token());
        metrics.role(false, false);
        cyclesWithoutWrite = 0;
    }

    private void clockOffset(Lease.Tenure tenure) {
        double offset = tenure.clockOffsetSeconds();
        metrics.clockOffset(offset);
        if (Math.abs(offset) > duty.maxClockOffsetSec()) {
            warnings.warn("clock-offset", String.format(Locale.ROOT, "This host's clock is %+.3fs from Redis's (P29_MAX_CLOCK_OFFSET_SEC=%s):"
                    + " the service runs on Redis's TIME, so nothing it computes or writes changes; fix NTP on %s", offset,
                    java.math.BigDecimal.valueOf(duty.maxClockOffsetSec()).stripTrailingZeros().toPlainString(), instance));
        }
    }

    /**
     * The mode of this cycle: a valid control hash's, else {@code P29_MODE}. A control hash that is
     * there but not valid is ignored, counted and logged (rate-limited), and {@code P29_MODE} applies.
     */
    /**
     * The scoped controls of this read: each invalid entry logged (once a minute) and counted as an ignored control; each
     * control that has expired logged once (its field and end), then ignored by the rules without a word.
     */
    private List<ScopedControl> scopedControls(ScopedControls scoped, List<ScopedControl> inForce, Instant now) {
        List<String> invalid = scoped.invalid();
        metrics.controlInvalid(invalid.size());
        // Bounded whatever their number (100,000 garbage fields were 50,000 lines a minute): the first few by field, each
        // once a minute, and one line with the count.
        for (int i = 0; i < Math.min(LOG_INVALID_SCOPED, invalid.size()); i++) {
            String line = invalid.get(i);
            int end = line.indexOf(": "); // "symbol:XRPUSDT: factor ...": one rate-limit key per field, not per scope
            warnings.warn("scoped-invalid:" + (end < 0 ? line : line.substring(0, end)), "Scoped control ignored: " + line);
        }
        if (invalid.size() > LOG_INVALID_SCOPED) {
            warnings.warn("scoped-invalid-count", "Scoped controls ignored: " + invalid.size() + " entries of " + Keys.SCOPED_CONTROLS
                    + " cannot be read (the first " + LOG_INVALID_SCOPED + " logged by field); 'control show' lists them");
        }
        Set<String> expired = new HashSet<>();
        for (ScopedControl c : inForce) {
            String key = ScopedControls.field(c) + "@" + c.until().map(Instant::toString).orElse("");
            if (!c.inForce(now)) {
                expired.add(key);
            }
            if (!c.inForce(now) && expiredLogged.add(key)) {
                LOG.info("Scoped control {} ({}, by {}: {}) expired at {}: ignored from now on; 'control clear --{} {}' removes it",
                        ScopedControls.field(c), Control.describe(c), c.by().isEmpty() ? "unknown" : c.by(), c.reason(),
                        c.until().orElseThrow(), c.scope().wireName(), c.id());
            }
        }
        expiredLogged.retainAll(expired);
        return inForce;
    }

    /** Invalid scoped-control entries logged by field per cycle, at most; the rest are one line with their count. */
    public static final int LOG_INVALID_SCOPED = 5;

    /**
     * The mode of this cycle: the control hash's, else (it cannot be read) the one held, else {@code P29_MODE}. Each key
     * that cannot be read is an ERROR once a minute and counted ({@code p29_control_unreadable_total{key}}).
     */
    private Mode modeInForce(Decoded<ControlHash> control, HeldControls.Applied applied) {
        if (control instanceof Decoded.Invalid<ControlHash> invalid && !ControlHash.ABSENT.equals(invalid.reason())) {
            metrics.controlInvalid(1);
        }
        applied.unreadable().forEach((key, what) -> {
            metrics.controlUnreadable(key);
            // one line a minute per key and per what stands in (a takeover that brings a held control is logged at once)
            warnings.warn("control-unreadable:" + key + (applied.held().equals(HeldControls.NONE) ? ":nothing-held" : ":held"),
                    warnings.errorEvent().addKeyValue("control_key", key),
                    "Control " + key + " cannot be read: " + what);
        });
        metrics.mode(applied.mode());
        return applied.mode();
    }

    private void logModeChange(Optional<Mode> before, Mode now, Decoded<ControlHash> control, HeldControls.Applied applied) {
        String source;
        if (control instanceof Decoded.Valid<ControlHash> valid) {
            ControlHash c = valid.value();
            source = "control hash " + Keys.CONTROL + ", set by " + (c.by().isEmpty() ? "unknown" : c.by())
                    + c.timestamp().map(t -> " at " + t).orElse("") + ": " + (c.reason().isEmpty() ? "no reason given" : c.reason());
        } else if (applied.held().control().isPresent()) {
            ControlHash c = applied.held().control().get();
            source = "control hash " + Keys.CONTROL + " cannot be read; the one last read stays in force, set by "
                    + (c.by().isEmpty() ? "unknown" : c.by()) + ": " + (c.reason().isEmpty() ? "no reason given" : c.reason());
        } else {
            source = "P29_MODE=" + configured.wireName() + (ControlHash.ABSENT.equals(((Decoded.Invalid<ControlHash>) control).reason())
                    ? ", no control hash" : ", control hash unreadable and none read valid before");
        }
        String from = before.map(Mode::wireName).orElse("none");
        (before.isPresent() ? LOG.atWarn() : LOG.atInfo()).addKeyValue("mode", now.wireName()).addKeyValue("previous_mode", from)
                .addKeyValue("instance", instance)
                .log("Mode in force: " + from + " -> " + now.wireName() + " (" + source + ")"
                        + (now == Mode.SHADOW && before.isPresent() && before.get().writesTargets() ? "; retracting every target this cycle" : ""));
    }

    /**
     * Renews or takes the lease and logs every change of role, naming both instances and the epoch.
     * On taking it, the carry-over continues from the state the previous writer left in Redis (its
     * zone, relax timer and mode in force; the written targets are read back from their hashes).
     */
    private Lease.Tenure holdLease(Instant at) {
        Role before = role;
        // A runner whose last cycle could not compute leaves a free lease to a standby that could.
        boolean unable = lastBeat.isPresent() && lastBeat.get().outcome() != Beat.Outcome.COMPUTED;
        boolean contend = !unable || capablePeer(lastBeat.map(Beat::at).orElse(at)).isEmpty();
        Lease.Tenure tenure = lease.hold(before, lastBeat, contend, localClock, highestEpoch);
        peers = tenure.peers();
        Role now = tenure.role();
        role = now;
        highestEpoch = Math.max(highestEpoch, now instanceof Role.Leader l ? l.fence().token()
                : now instanceof Role.Standby st ? st.epoch() : 0);
        if (now instanceof Role.Leader leader && leader.inherited().isPresent()) {
            adopt(leader, "Took the writer's lease: ");
        } else if (now instanceof Role.Standby standby && (before.leading() || before == Role.UNKNOWN
                || !standby.holder().equals(((Role.Standby) before).holder()))) {
            metrics.role(false, false);
            String holder = standby.holder().orElse("nobody");
            String was = before instanceof Role.Leader l ? instance + " lost the lease it held at epoch " + l.fence().token() + "; "
                    : "";
            (before.leading() ? LOG.atWarn() : LOG.atInfo()).addKeyValue("role", "standby").addKeyValue("instance", instance)
                    .addKeyValue("holder", holder)
                    .addKeyValue("epoch", standby.epoch())
                    .log("Standby: " + was + instance + " computes and writes nothing; the lease is held by " + holder
                            + " at epoch " + standby.epoch());
        }
        return tenure;
    }

    /** The tenure a read is for: the epoch this runner leads at, or none (DESIGN section 19: a cache is vouched for within one). */
    private static long tenure(Role role) {
        return role instanceof Role.Leader l ? l.fence().token() : ReadRequest.NOT_LEADING;
    }

    /** Counts what the read's cache did; a drop is INFO, tracking unavailable a WARN, a discrepancy an ERROR (each rate-limited). */
    private void cacheOutcome(ReadResult.Cache cache) {
        metrics.inputReads(cache);
        for (ReadResult.Drop drop : cache.drops()) {
            metrics.cacheDropped(drop.cause().wireName());
            // one rate-limit key per cause: a "link lost" after the start-up note is logged, not hidden for a minute
            warnings.warn("cache-dropped:" + drop.cause().wireName(), LOG.atInfo(), "Incremental reads: " + drop.detail());
        }
        cache.remark().ifPresent(remark -> warnings.warn("cache-remark",
                remark.startsWith("client tracking unavailable") ? warnings.event() : LOG.atInfo(), "Incremental reads: " + remark));
        if (!cache.discrepancies().isEmpty()) {
            List<String> keys = cache.discrepancies();
            LOG.atError().addKeyValue("cache_discrepancies", keys.size()).log("Incremental reads: the full read found " + keys.size()
                    + " input keys whose cached value differed from Redis with no change heard (first: "
                    + String.join(", ", keys.subList(0, Math.min(LOG_DISCREPANCIES, keys.size())))
                    + "); the cycle used Redis's values. A missed invalidation: report it; P29_INCREMENTAL=false reads everything");
        }
    }

    /**
     * Carries on from the state the previous writer left (zone, relax timer, mode in force; the written targets
     * are read back from their hashes) after taking the lease, and logs it.
     */
    private void adopt(Role.Leader leader, String how) {
        metrics.role(true, true);
        CarryOver base = carryOver.get().withWrittenUnknown();
        Decoded<StateHash> state = leader.inherited().orElseThrow();
        String previous;
        heldWritten = Optional.empty();
        if (state instanceof Decoded.Valid<StateHash> valid) {
            StateHash s = valid.value();
            carryOver.put(s.applyTo(base));
            if (!s.held().equals(HeldControls.NONE)) {
                held = s.held(); // what the last writer held stays in force while the controls cannot be read
            }
            previous = "last writer " + s.instance() + " at epoch " + s.epoch() + ", zone " + s.zone().map(Enum::name).orElse("none")
                    + ", mode in force " + s.mode().map(Mode::wireName).orElse("none");
        } else {
            carryOver.put(base);
            String reason = ((Decoded.Invalid<StateHash>) state).reason();
            previous = "absent".equals(reason) ? "no state in Redis" : "state in Redis ignored: " + reason;
        }
        LOG.atInfo().addKeyValue("role", "leader").addKeyValue("instance", instance).addKeyValue("epoch", leader.fence().token())
                .log(how + instance + " leads at epoch " + leader.fence().token() + " (" + previous + ")");
    }

    /**
     * The symbols whose target hash this runner, leading, wrote and still counts on: the reader checks a share of them
     * for existence each cycle (DESIGN section 16), so one deleted or evicted is rewritten within two cycles.
     */
    private List<String> writtenToVouchFor() {
        CarryOver c = carryOver.get();
        if (!role.leading() || !c.mode().map(Mode::writesTargets).orElse(false) || c.written().isEmpty()) {
            return List.of();
        }
        return List.copyOf(c.written().get().keySet()); // ReadRequest keeps this list as it is: one copy per cycle
    }

    /** A standby's cycle: nothing is written; what the leader wrote is unknown to it. */
    private WriteResult standby(CarryOver next, Mode mode) {
        CarryOver unknown = next.withWrittenUnknown().withMode(mode);
        carryOver.put(unknown);
        return WriteResult.nothing(unknown);
    }

    /**
     * The write, which completes the carry-over; after any failure the written targets are re-read
     * from Redis next time. A fenced write (the lease or the epoch moved on) lands nothing: counted,
     * logged, and this runner becomes a standby.
     */
    private WriteResult write(CycleResult result, Mode mode, CarryOver next, Instant now, long durationMs, Optional<Set<String>> partial,
                              Trigger trigger) {
        Fence fence = ((Role.Leader) role).fence();
        try {
            String cycleId = Long.toString(now.toEpochMilli());
            HeldControls holding = held;
            Map<String, String> heldFields = heldWritten.equals(Optional.of(holding)) ? Map.of() : holding.encode();
            heldWritten = Optional.empty(); // unknown until this write completes
            WriteResult w = writer.write(result, mode, cycleId, next, fence,
                    Optional.of(new OutputWriter.CycleStamp(instance, durationMs, failedSinceEntry, trigger)), partial, heldFields);
            heldWritten = Optional.of(holding);
            carryOver.written(w.next(), cycleId);
            failedSinceEntry = 0;
            return w;
        } catch (RedisFailure e) {
            carryOver.put(next.withWrittenUnknown());
            if (e.kind() != RedisFailure.Kind.FENCED) {
                throw e;
            }
            role = new Role.Standby(Optional.empty(), 0);
            metrics.fenced();
            metrics.role(false, false);
            LOG.atWarn().addKeyValue("role", "standby").addKeyValue("instance", instance).addKeyValue("epoch", fence.token())
                    .log("Write fenced, nothing landed; stepping down to standby: " + e.getMessage());
            return WriteResult.nothing(next.withWrittenUnknown());
        } catch (RuntimeException e) {
            carryOver.put(next.withWrittenUnknown());
            throw e;
        }
    }

    /** On shutdown (and between the bench's blocks): gives the lease up if this runner holds it, so another takes over at its next cycle. */
    public void release() {
        if (role instanceof Role.Leader leader) {
            try {
                boolean released = lease.release(leader.fence());
                LOG.info("Writer's lease {} by {} at epoch {}", released ? "released" : "already gone, not released",
                        instance, leader.fence().token());
            } catch (RedisFailure e) {
                LOG.warn("Could not release the writer's lease ({}); it expires on its own", e.getMessage());
            }
            role = Role.UNKNOWN;
        }
    }

    /** The role of the last cycle. */
    Role role() {
        return role;
    }

    private static double round3(double seconds) {
        return Math.round(seconds * 1000.0) / 1000.0;
    }

    /**
     * The targets this cycle wrote, one line each as the original service logged them ({@code BTCUSDT: target=$12345.67
     * ...}; runbooks grep the journal for {@code target=} over the last 30 s), at most {@code P29_LOG_TARGETS} a cycle, then
     * one line with how many more: the new and changed ones, and the refreshes of unchanged ones (marked), which come
     * at least every {@code P29_TARGET_REFRESH_SEC}, so a quiet market still shows its targets within that window.
     */
    private void logChangedTargets(CycleResult result, WriteResult written) {
        int limit = duty.logTargets();
        List<WritePlan.Change> changes = written.changes();
        if (limit == 0 || !(result instanceof CycleResult.Computed) || written.next().written().isEmpty()
                || changes.size() != result.decisions().size()) {
            return;
        }
        // The plan's changes, in the decisions' order: no lookup per symbol (two map lookups per symbol over 10,000
        // symbols were a third of a cycle's own CPU, JFR in docs/performance.md).
        int changed = 0;
        for (int i = 0; i < changes.size(); i++) {
            WritePlan.Change change = changes.get(i);
            if (!change.written()) {
                continue; // left as written
            }
            if (++changed <= limit) {
                Decision d = result.decisions().get(i);
                LOG.info(String.format(Locale.ROOT, "%s: target=$%.2f weight=%.4f cap=%s base=$%.2f regime=%s x%.2f cluster=%s x%.2f dd=%s x%.2f"
                                + " perf x%.3f conf=%.2f%s", d.symbol(), d.targetUsd(), d.weight(), d.cap().wireName(), d.baseBudgetUsd(), d.regime(),
                        d.regimeFactor(), d.clusterId(), d.clusterFactor(), d.drawdownZone(), d.drawdownFactor(), d.performanceFactor(),
                        d.confidence(), change == WritePlan.Change.REFRESH ? " (refreshed)" : ""));
            }
        }
        if (changed > limit) {
            LOG.info("... and {} more targets written this cycle (P29_LOG_TARGETS={})", changed - limit, limit);
        }
    }

    private void log(CycleResult result, Mode mode, double seconds, boolean leading, ReadResult.Cache.Kind reads, Trigger trigger) {
        String skipReason = result instanceof CycleResult.Skipped s ? s.reason().wireName() : "";
        String skipped = skipReason.isEmpty() ? "" : " (skipped: " + skipReason + ")";
        // The figures also as key-value pairs: fields of their own under LOG_FORMAT=json.
        LOG.atInfo()
                .addKeyValue("outcome", result.outcome().name().toLowerCase(Locale.ROOT))
                .addKeyValue("targets", result.decisions().size())
                .addKeyValue("duration_s", round3(seconds))
                .addKeyValue("mode", mode.wireName())
                .addKeyValue("instance", instance)
                .addKeyValue("role", leading ? "leader" : "standby")
                .addKeyValue("fallbacks", result.fallbacks().size())
                .addKeyValue("rejected", result.rejections().size())
                .addKeyValue("skip_reason", skipReason)
                .addKeyValue("reads", reads.wireName())
                .addKeyValue("trigger", trigger.wireName())
                .log(String.format(Locale.ROOT, "Allocation cycle complete: %d targets in %.3fs%s [mode=%s %s=%s fallbacks=%d rejected=%d reads=%s"
                        + " trigger=%s]", result.decisions().size(), seconds, skipped, mode.wireName(), leading ? "leader" : "standby", instance,
                        result.fallbacks().size(), result.rejections().size(), reads.wireName(), trigger.wireName()));
        if (LOG.isDebugEnabled()) {
            for (Decision d : result.decisions()) {
                LOG.debug(String.format(Locale.ROOT,
                        "target %s cluster=%s base=%.2f regime=%s x%.3f cluster x%.3f dd=%s x%.3f perf x%.4f -> %.2f cap=%s conf=%.3f fallbacks=%s",
                        d.symbol(), d.clusterId(), d.baseBudgetUsd(), d.regime(), d.regimeFactor(), d.clusterFactor(), d.drawdownZone(),
                        d.drawdownFactor(), d.performanceFactor(), d.targetUsd(), d.cap().wireName(), d.confidence(), d.fallbacks()));
            }
        }
        if (result instanceof CycleResult.Skipped s) {
            warnings.warn("skip:" + s.reason(), "Allocation cycle skipped: " + s.reason().wireName() + " (no targets written)");
        }
        for (Fallback f : result.fallbacks()) {
            warnings.warn("fallback:" + f.source() + ":" + f.reason(), "Fallback to neutral " + f.source().wireName() + " input ("
                    + f.reason().wireName() + ") for " + f.subject());
        }
        for (Rejection r : result.rejections()) {
            warnings.warn("reject:" + r.source() + ":" + r.reason(), "Rejected " + r.source().wireName() + " input for " + r.subject()
                    + ": " + r.detail());
        }
        warnings.prune();
    }
}
