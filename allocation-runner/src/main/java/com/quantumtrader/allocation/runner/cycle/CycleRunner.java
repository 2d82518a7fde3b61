package com.quantumtrader.allocation.runner.cycle;

import com.quantumtrader.allocation.core.CarryOver;
import com.quantumtrader.allocation.core.CycleContext;
import com.quantumtrader.allocation.core.CycleInputs;
import com.quantumtrader.allocation.core.CycleResult;
import com.quantumtrader.allocation.core.CycleStep;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.core.Reaction;
import com.quantumtrader.allocation.redis.Lease;
import com.quantumtrader.allocation.redis.Role;
import com.quantumtrader.allocation.redis.client.RedisFailure;
import com.quantumtrader.allocation.redis.read.DropCause;
import com.quantumtrader.allocation.redis.read.InputReader;
import com.quantumtrader.allocation.redis.read.ReadRequest;
import com.quantumtrader.allocation.redis.read.ReadResult;
import com.quantumtrader.allocation.redis.wire.Beat;
import com.quantumtrader.allocation.redis.wire.Decoded;
import com.quantumtrader.allocation.redis.wire.HeldControls;
import com.quantumtrader.allocation.redis.wire.StateHash;
import com.quantumtrader.allocation.redis.wire.Trigger;
import com.quantumtrader.allocation.redis.write.OutputWriter;
import com.quantumtrader.allocation.redis.write.WriteResult;
import com.quantumtrader.allocation.runner.config.Variable;
import com.quantumtrader.allocation.runner.metrics.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One cycle, as its sequence: hold the lease, read everything the step needs, step (core's pure {@link CycleStep}),
 * write (when leading), record. Never throws: a Redis failure or a bug becomes a failed {@link Report}, counted, and
 * the loop goes on. The runner owns the state that lives across cycles: the carry-over ({@link CarryOverStore}), the
 * controls held, and through {@link Leadership} its role. Every log line and metric goes through {@link CycleListener}.
 */
public final class CycleRunner {

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
        /** The declared defaults of the four variables ({@link Variable}). */
        static final Duty DEFAULTS = new Duty(Duration.ofSeconds(Variable.P29_INTERVAL_SEC.whole(Map.of())),
                (int) Variable.P29_YIELD_AFTER_CYCLES.whole(Map.of()), Variable.P29_MAX_CLOCK_OFFSET_SEC.decimal(Map.of()),
                (int) Variable.P29_LOG_TARGETS.whole(Map.of()));

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

    /** Invalid scoped-control entries logged by field per cycle, at most; the rest are one line with their count. */
    public static final int LOG_INVALID_SCOPED = CycleListener.LOG_INVALID_SCOPED;

    private final Clock localClock;
    private final InputReader reader;
    private final OutputWriter writer;
    private final Policy policy;
    /** The step's settings: this runner's policy, the writer's thresholds. */
    private final CycleStep.Settings settings;
    /** {@code P29_MODE}: the mode when no valid control hash says otherwise. */
    private final Mode configured;
    private final String instance;
    private volatile InputRecorder recorder = InputRecorder.NONE;
    private final CycleListener listener;
    private final Leadership leadership;
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
    /** The context of the last cycle, when it computed: what a heard change is judged against ({@link #reacts}). Loop thread only. */
    private Optional<CycleContext> lastComputed = Optional.empty();
    /** Redis's clock at the last cycle, and {@link System#nanoTime()} then: the clock of {@link #reacts} between cycles. */
    private Instant lastNow;
    private long lastNowNanos;
    /** Cycles that failed since this runner's last cycle stream entry (its {@code failed_since_last}); loop thread only. */
    private long failedSinceEntry;

    public CycleRunner(Lease lease, String instance, InputReader reader, OutputWriter writer, Policy policy, Mode mode, Metrics metrics,
                       RateLimitedLog warnings) {
        this(lease, instance, reader, writer, policy, mode, metrics, warnings, Duty.DEFAULTS, Clock.systemUTC());
    }

    public CycleRunner(Lease lease, String instance, InputReader reader, OutputWriter writer, Policy policy, Mode mode, Metrics metrics,
                       RateLimitedLog warnings, Duty duty, Clock localClock) {
        Objects.requireNonNull(duty, "duty");
        this.localClock = Objects.requireNonNull(localClock, "localClock");
        this.instance = instance;
        this.reader = reader;
        this.writer = writer;
        this.policy = policy;
        this.settings = new CycleStep.Settings(policy, writer.settings().minChangePct(), writer.settings().refresh());
        this.configured = mode;
        this.listener = new CycleListener(instance, mode, metrics, warnings, duty.maxClockOffsetSec(), duty.logTargets());
        this.leadership = new Leadership(lease, duty.interval(), duty.yieldAfterCycles(), localClock, listener::roleChanged);
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

    /**
     * Whether a change heard starts a cycle now (DESIGN section 22): a control change always; a portfolio or regime change
     * when it would change the drawdown zone or the regime in force ({@link Reaction}), judged on the two keys read again
     * (one round trip) at Redis's clock as of the last cycle. A read that fails starts the cycle, which counts the failure.
     */
    public boolean reacts(Trigger heard) {
        if (heard != Trigger.PORTFOLIO && heard != Trigger.REGIME) {
            return true;
        }
        Optional<Reaction.Cause> cause;
        try {
            InputReader.Headline now = reader.headline();
            Instant at = lastNow == null ? localClock.instant() : lastNow.plusNanos(System.nanoTime() - lastNowNanos);
            cause = Reaction.matters(now.portfolio(), now.regime(), lastComputed, carryOver.get(), policy, at);
        } catch (RuntimeException e) {
            return true;
        }
        listener.reaction(heard, cause);
        return cause.isPresent();
    }

    /** Records the inputs of each step this runner computes as the leader ({@link InputRecorder#NONE}: none, the default). */
    public CycleRunner recordingInto(InputRecorder recorder) {
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        return this;
    }

    /** The reader of the inputs: the loop asks it to be told of changes that start a cycle. */
    public InputReader reader() {
        return reader;
    }

    /** On shutdown (and between the bench's blocks): gives the lease up if this runner holds it, so another takes over at its next cycle. */
    public void release() {
        leadership.release();
    }

    /** The role of the last cycle. */
    Role role() {
        return leadership.role();
    }

    /**
     * Everything a step needs, read before it runs.
     *
     * @param held      the targets Redis holds, when the step needs them and the carry-over does not carry them
     * @param heldTrips the round trips of reading them
     */
    private record Read(ReadResult result, CycleInputs inputs, HeldControls.Applied applied, CycleStep.Controls controls,
                        CarryOver previous, boolean leading, Optional<Map<String, CarryOver.WrittenTarget>> held, long heldTrips) {
        Mode mode() {
            return controls.mode();
        }
    }

    private Report run(Optional<Instant> fixedNow, Trigger trigger) {
        long start = System.nanoTime();
        Instant now = fixedNow.orElseGet(localClock::instant); // until Redis's clock is read
        Optional<Mode> inForce = Optional.empty();
        Report report = null;
        try {
            now = holdLease(now, fixedNow.isPresent());
            Read read = read(now);
            inForce = Optional.of(read.mode());
            long t1 = System.nanoTime();
            CycleStep.Outcome step = step(read, now);
            if (read.leading()) {
                recorder.offer(now, read.inputs(), read.held().isPresent() && read.previous().written().isEmpty()
                        ? read.previous().withWritten(read.held().get()) : read.previous(), read.controls());
            }
            lastComputed = step.result() instanceof CycleResult.Computed c ? Optional.of(c.context()) : Optional.empty();
            long t2 = System.nanoTime();
            WriteResult written = step.write().isPresent() ? write(step, now, (t2 - start) / 1_000_000, trigger)
                    : standby(step.next(), read.mode());
            boolean leading = read.leading() && leadership.role().leading(); // false when the write was fenced
            long t3 = System.nanoTime();
            double seconds = (t3 - start) / 1e9;
            listener.completed(step.result(), read.mode(), seconds, leading, written, read.result().cache().kind(), trigger);
            ReadResult r = read.result();
            Phases phases = new Phases(r.discoverNanos(), t1 - start - r.discoverNanos(), t2 - t1, t3 - t2,
                    r.roundTrips() + read.heldTrips() + written.roundTrips(), r.cache().inputReads(), r.cache().kind());
            report = new Report(now, Optional.of(step.result()), Optional.of(written), seconds, Optional.empty(), phases, leading, inForce);
        } catch (RuntimeException e) {
            lastComputed = Optional.empty();
            report = failed(e, now, (System.nanoTime() - start) / 1e9, inForce);
        } finally {
            lastNow = now;
            lastNowNanos = start;
            Beat.Outcome outcome = report == null || report.failure().isPresent() ? Beat.Outcome.FAILED
                    : report.computed() ? Beat.Outcome.COMPUTED : Beat.Outcome.SKIPPED;
            leadership.beat(outcome, report != null && report.leading(), now);
        }
        return report;
    }

    /**
     * Renews or takes the lease, adopting the last writer's state on a takeover, and yields it when this runner cannot
     * write while another can. Returns the cycle's time: Redis's clock, unless a fixed one was given.
     */
    private Instant holdLease(Instant now, boolean fixed) {
        Lease.Tenure tenure = leadership.hold(now);
        if (tenure.role() instanceof Role.Leader leader && leader.inherited().isPresent()) {
            adopt(leader.inherited().get());
        }
        Instant at = now;
        if (!fixed) {
            at = tenure.serverNow();
            listener.clockOffset(tenure.clockOffsetSeconds());
        }
        leadership.yieldIfUnable(at);
        return at;
    }

    /**
     * Carries on from the state the previous writer left (zone, relax timer, mode in force; the written targets are read
     * back from their hashes) after taking the lease; the controls it held stay in force while they cannot be read.
     */
    private void adopt(Decoded<StateHash> state) {
        CarryOver base = carryOver.get().withWrittenUnknown();
        heldWritten = Optional.empty();
        if (state instanceof Decoded.Valid<StateHash> valid) {
            carryOver.put(valid.value().applyTo(base));
            if (!valid.value().held().equals(HeldControls.NONE)) {
                held = valid.value().held();
            }
        } else {
            carryOver.put(base);
        }
    }

    /** The inputs and controls, and (when the step needs them) the targets as written: all of Redis the step uses. */
    private Read read(Instant now) {
        ReadResult read = reader.read(new ReadRequest(now, leadership.tenure(), writtenToVouchFor(), carryOver.lastWrite(),
                carryOver.lastModified()));
        if (read.cache().dropped(DropCause.DATASET_CHANGED)) {
            // The state hash is the service's witness in the database (DESIGN section 20): Redis does not hold this runner's
            // last write, so the dataset changed under it. The reader dropped what it knew; the written targets go too.
            listener.datasetChanged(read.lastWrite(), carryOver.lastWrite());
            carryOver.forgetWrites();
        }
        listener.cache(read.cache());
        CycleInputs inputs = read.decode();
        HeldControls.Applied applied = held.apply(read.control(), read.scoped(), configured);
        held = applied.held();
        listener.controls(read.control(), applied);
        listener.universe(read.discovery().overCapacity(), read.discovery().symbols().size());
        if (read.targetsGone() > 0) {
            listener.targetsGone(read.targetsGone());
            carryOver.forgetWrites();
        }
        listener.scopedControls(read.scoped(), applied.controls(), now);
        CycleStep.Controls controls = new CycleStep.Controls(applied.mode(), applied.controls());
        CarryOver previous = carryOver.get();
        boolean leading = leadership.role().leading();
        long before = writer.roundTrips();
        Optional<Map<String, CarryOver.WrittenTarget>> heldTargets = CycleStep.readsWritten(inputs, controls, policy, now, previous, leading)
                ? Optional.of(writer.written()) : Optional.empty();
        return new Read(read, inputs, applied, controls, previous, leading, heldTargets, writer.roundTrips() - before);
    }

    /** Core's step over what was read; a change of zone or mode is told. */
    private CycleStep.Outcome step(Read read, Instant now) {
        Optional<Set<String>> universe = read.result().discovery().overCapacity() > 0
                ? Optional.of(new HashSet<>(read.result().discovery().symbols())) : Optional.empty();
        CycleStep.Outcome step = CycleStep.step(read.inputs(), read.controls(), settings, now, read.previous(), read.leading(), read.held(),
                universe);
        CarryOver previous = read.previous();
        if (previous.zone().isPresent() && !previous.zone().equals(step.next().zone())) {
            listener.zoneChanged(previous.zone().get(), step.next().zone());
        }
        if (!previous.mode().equals(Optional.of(read.mode()))) {
            listener.modeChanged(previous.mode(), read.mode(), read.result().control(), read.applied());
        }
        return step;
    }

    /**
     * The symbols whose target hash this runner, leading, wrote and still counts on: the reader checks those that may be
     * gone for existence (DESIGN sections 16 and 22), so one deleted or evicted is rewritten within two cycles.
     */
    private Set<String> writtenToVouchFor() {
        CarryOver c = carryOver.get();
        if (!leadership.role().leading() || !c.mode().map(Mode::writesTargets).orElse(false) || c.written().isEmpty()) {
            return Set.of();
        }
        return c.written().get().keySet(); // the carry-over's map is immutable: its key set is not copied per cycle
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
    private WriteResult write(CycleStep.Outcome step, Instant now, long durationMs, Trigger trigger) {
        CarryOver next = step.next();
        try {
            String cycleId = Long.toString(now.toEpochMilli());
            HeldControls holding = held;
            Map<String, String> heldFields = heldWritten.equals(Optional.of(holding)) ? Map.of() : holding.encode();
            heldWritten = Optional.empty(); // unknown until this write completes
            WriteResult w = writer.write(step.write().orElseThrow(), step.result(), cycleId, leadership.fence(),
                    Optional.of(new OutputWriter.CycleStamp(instance, durationMs, failedSinceEntry, trigger)), heldFields);
            heldWritten = Optional.of(holding);
            carryOver.written(w.next(), cycleId, w.modified());
            failedSinceEntry = 0;
            return w;
        } catch (RedisFailure e) {
            carryOver.put(next.withWrittenUnknown());
            if (e.kind() != RedisFailure.Kind.FENCED) {
                throw e;
            }
            leadership.fenced(e);
            return WriteResult.nothing(next.withWrittenUnknown());
        } catch (RuntimeException e) {
            carryOver.put(next.withWrittenUnknown());
            throw e;
        }
    }

    /**
     * The one failure path: Redis may have restarted, failed over or applied part of a write, so the written targets
     * are re-read and the input cache dropped; the listener counts and logs it.
     */
    private Report failed(RuntimeException e, Instant now, double seconds, Optional<Mode> inForce) {
        failedSinceEntry++;
        carryOver.forgetWrites();
        reader.drop(DropCause.FAILED_CYCLE);
        listener.failed(e, inForce.orElse(configured), seconds);
        String failure = e instanceof RedisFailure r ? "redis " + r.getMessage() + " (cause: " + r.kind().wireName() + ")" : e.toString();
        return new Report(now, Optional.empty(), Optional.empty(), seconds, Optional.of(failure), Phases.NONE, false, inForce);
    }
}
