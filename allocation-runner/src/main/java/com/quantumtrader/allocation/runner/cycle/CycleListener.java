package com.quantumtrader.allocation.runner.cycle;

import com.quantumtrader.allocation.core.CycleResult;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.core.DrawdownZone;
import com.quantumtrader.allocation.core.Fallback;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Reaction;
import com.quantumtrader.allocation.core.Rejection;
import com.quantumtrader.allocation.core.ScopedControl;
import com.quantumtrader.allocation.core.WritePlan;
import com.quantumtrader.allocation.redis.Control;
import com.quantumtrader.allocation.redis.Role;
import com.quantumtrader.allocation.redis.client.RedisFailure;
import com.quantumtrader.allocation.redis.read.ReadResult;
import com.quantumtrader.allocation.redis.wire.ControlHash;
import com.quantumtrader.allocation.redis.wire.Decoded;
import com.quantumtrader.allocation.redis.wire.HeldControls;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.wire.ScopedControls;
import com.quantumtrader.allocation.redis.wire.StateHash;
import com.quantumtrader.allocation.redis.wire.Trigger;
import com.quantumtrader.allocation.redis.write.WriteResult;
import com.quantumtrader.allocation.runner.metrics.Metrics;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a cycle tells the operator: every log line and every metric of the cycle and of {@code Leadership}'s
 * transitions, one method per event. Its lines go to {@code CycleRunner}'s logger (the name the journal, the docs and
 * log configurations know). Loop thread only.
 */
final class CycleListener {

    /** The cycle's logger keeps {@code CycleRunner}'s name, the one log configurations and the docs know. */
    private static final Logger LOG = LoggerFactory.getLogger("com.quantumtrader.allocation.runner.cycle.CycleRunner");
    /** Invalid scoped-control entries logged by field per cycle, at most; the rest are one line with their count. */
    static final int LOG_INVALID_SCOPED = 5;
    /** The last cache discrepancy keys logged, at most this many per audit. */
    static final int LOG_DISCREPANCIES = 10;

    private final String instance;
    private final Mode configured;
    private final Metrics metrics;
    private final RateLimitedLog warnings;
    private final double maxClockOffsetSec;
    private final int logTargets;
    /** Expired scoped controls already logged ({@code field@until}), of those the hash still holds: each is logged once. */
    private final Set<String> expiredLogged = new HashSet<>();

    /**
     * @param maxClockOffsetSec {@code P29_MAX_CLOCK_OFFSET_SEC}: a local clock further than this from Redis's is logged
     * @param logTargets        {@code P29_LOG_TARGETS}: changed targets logged per cycle, one line each (0: none)
     */
    CycleListener(String instance, Mode configured, Metrics metrics, RateLimitedLog warnings, double maxClockOffsetSec, int logTargets) {
        this.instance = instance;
        this.configured = configured;
        this.metrics = metrics;
        this.warnings = warnings;
        this.maxClockOffsetSec = maxClockOffsetSec;
        this.logTargets = logTargets;
        metrics.mode(configured);
    }

    /** A change of role, once: its log line and the role metrics. */
    void roleChanged(RoleTransition t) {
        switch (t.cause()) {
            case TOOK -> {
                metrics.role(true, true);
                Role.Leader leader = (Role.Leader) t.to();
                LOG.atInfo().addKeyValue("role", "leader").addKeyValue("instance", instance).addKeyValue("epoch", leader.fence().token())
                        .log("Took the writer's lease: " + instance + " leads at epoch " + leader.fence().token() + " ("
                                + lastWriter(leader.inherited().orElseThrow()) + ")");
            }
            case STANDBY -> {
                metrics.role(false, false);
                Role.Standby standby = (Role.Standby) t.to();
                String was = t.from() instanceof Role.Leader l ? instance + " lost the lease it held at epoch " + l.fence().token() + "; " : "";
                (t.from().leading() ? LOG.atWarn() : LOG.atInfo()).addKeyValue("role", "standby").addKeyValue("instance", instance)
                        .addKeyValue("holder", t.other()).addKeyValue("epoch", standby.epoch())
                        .log("Standby: " + was + instance + " computes and writes nothing; the lease is held by " + t.other()
                                + " at epoch " + standby.epoch());
            }
            case YIELDED -> {
                metrics.yielded();
                metrics.role(false, false);
                long epoch = ((Role.Leader) t.from()).fence().token();
                LOG.atWarn().addKeyValue("role", "standby").addKeyValue("instance", instance).addKeyValue("epoch", epoch)
                        .addKeyValue("peer", t.other())
                        .log("Yielding the writer's lease: " + instance + " " + t.detail() + " at epoch " + epoch);
            }
            case FENCED -> {
                metrics.fenced();
                metrics.role(false, false);
                LOG.atWarn().addKeyValue("role", "standby").addKeyValue("instance", instance)
                        .addKeyValue("epoch", ((Role.Leader) t.from()).fence().token())
                        .log("Write fenced, nothing landed; stepping down to standby: " + t.detail());
            }
            case RELEASED -> LOG.info("Writer's lease {} by {} at epoch {}", t.detail(), instance, ((Role.Leader) t.from()).fence().token());
        }
    }

    private static String lastWriter(Decoded<StateHash> state) {
        if (state instanceof Decoded.Valid<StateHash> valid) {
            StateHash s = valid.value();
            return "last writer " + s.instance() + " at epoch " + s.epoch() + ", zone " + s.zone().map(Enum::name).orElse("none")
                    + ", mode in force " + s.mode().map(Mode::wireName).orElse("none");
        }
        String reason = state.invalidReason().orElseThrow();
        return "absent".equals(reason) ? "no state in Redis" : "state in Redis ignored: " + reason;
    }

    /** The local clock's offset from Redis's: a gauge, and a WARN once a minute past {@code P29_MAX_CLOCK_OFFSET_SEC}. */
    void clockOffset(double offset) {
        metrics.clockOffset(offset);
        if (Math.abs(offset) > maxClockOffsetSec) {
            warnings.warn("clock-offset", String.format(Locale.ROOT, "This host's clock is %+.3fs from Redis's (P29_MAX_CLOCK_OFFSET_SEC=%s):"
                    + " the service runs on Redis's TIME, so nothing it computes or writes changes; fix NTP on %s", offset,
                    java.math.BigDecimal.valueOf(maxClockOffsetSec).stripTrailingZeros().toPlainString(), instance));
        }
    }

    /** Redis does not hold this runner's last write: the dataset changed under it (DESIGN section 20). */
    void datasetChanged(Optional<String> found, Optional<String> expected) {
        LOG.warn("Redis does not hold this runner's last write (state hash cycle_id {}, expected {}): a flush, a swapped"
                + " database, a restore or a failover that lost it; the input cache and the discovery were dropped, the"
                + " targets are re-read", found.orElse("none"), expected.orElse("none"));
    }

    /** Counts what the read's cache did; a drop is INFO, tracking unavailable a WARN, a discrepancy an ERROR (each rate-limited). */
    void cache(ReadResult.Cache cache) {
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

    /** The universe's size against the capacity: a gauge, and an ERROR once a minute while symbols are left out. */
    void universe(long excess, int kept) {
        metrics.universe(excess);
        if (excess > 0) {
            warnings.warn("over-capacity", LOG.atError().addKeyValue("symbols_left_out", excess).addKeyValue("instance", instance),
                    "The universe is beyond this runner's capacity: " + excess + " budget keys beyond P29_MAX_SYMBOLS="
                            + kept + " are left out (no target for them; the Governor uses their raw"
                            + " budget). Kept: the symbols with a target first, then by name. An upstream publishing extra"
                            + " budget keys, or raise the heap and P29_MAX_SYMBOLS (docs/performance.md)");
        }
    }

    /** Target hashes this runner wrote are gone from Redis. */
    void targetsGone(long gone) {
        metrics.targetsLost(gone);
        LOG.atWarn().addKeyValue("targets_gone", gone).addKeyValue("instance", instance)
                .log(gone + " of the target hashes this runner wrote are gone from Redis (deleted, evicted or a"
                        + " node restarted): re-reading the targets, the missing are rewritten this cycle");
    }

    /**
     * The controls of this read: a control hash that is there but not valid counted, each key that cannot be read an
     * ERROR once a minute and counted ({@code p29_control_unreadable_total{key}}), the mode in force a gauge.
     */
    void controls(Decoded<ControlHash> control, HeldControls.Applied applied) {
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
    }

    /**
     * The scoped controls of this read: each invalid entry logged (once a minute) and counted as an ignored control; each
     * control that has expired logged once (its field and end), then ignored by the rules without a word.
     */
    void scopedControls(ScopedControls scoped, List<ScopedControl> inForce, Instant now) {
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
    }

    /** The drawdown zone in force changed. */
    void zoneChanged(DrawdownZone from, Optional<DrawdownZone> to) {
        metrics.zoneChanged();
        LOG.info("Drawdown zone in force: {} -> {}", from, to.map(Enum::name).orElse("none"));
    }

    /** The mode in force changed (or is known for the first time): who set it, and whether this cycle retracts. */
    void modeChanged(Optional<Mode> before, Mode now, Decoded<ControlHash> control, HeldControls.Applied applied) {
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
            source = "P29_MODE=" + configured.wireName() + (ControlHash.ABSENT.equals(control.invalidReason().orElseThrow())
                    ? ", no control hash" : ", control hash unreadable and none read valid before");
        }
        String from = before.map(Mode::wireName).orElse("none");
        (before.isPresent() ? LOG.atWarn() : LOG.atInfo()).addKeyValue("mode", now.wireName()).addKeyValue("previous_mode", from)
                .addKeyValue("instance", instance)
                .log("Mode in force: " + from + " -> " + now.wireName() + " (" + source + ")"
                        + (now == Mode.SHADOW && before.isPresent() && before.get().writesTargets() ? "; retracting every target this cycle" : ""));
    }

    /** A change heard of the portfolio or the regime, and whether it starts a cycle now ({@code cause}) or waits for the timer. */
    void reaction(Trigger heard, Optional<Reaction.Cause> cause) {
        if (cause.isEmpty()) {
            metrics.changeWaited(heard);
            LOG.atDebug().addKeyValue("trigger", heard.wireName()).log("Change heard of the " + heard.wireName()
                    + ": the zone and the regime in force stand; the timer's cycle reads it");
        } else {
            LOG.atDebug().addKeyValue("trigger", heard.wireName()).log("Change heard of the " + heard.wireName() + " starts a cycle: "
                    + cause.get().name().toLowerCase(Locale.ROOT));
        }
    }

    /** A completed cycle: its metrics, its summary line, the targets it wrote, its warnings. */
    void completed(CycleResult result, Mode mode, double seconds, boolean leading, WriteResult written, ReadResult.Cache.Kind reads,
                   Trigger trigger) {
        metrics.completed(result, mode, leading, written.decisionsStreamed(), seconds);
        summary(result, mode, seconds, leading, reads, trigger);
        warnings(result);
        if (leading) {
            changedTargets(result, written);
        }
        metrics.cycleStarted(trigger);
    }

    /**
     * A failed cycle. Redis unreachable or refusing the login is an ERROR (nothing can be computed or written; the
     * targets expire); a refusal of one command (READONLY, OOM, NOPERM, ...) stays a WARN naming it; one rate-limit key
     * per cause, so a READONLY is logged when it first appears even while a burst of timeouts is suppressed. Anything
     * else is a bug: an ERROR with its stack trace.
     */
    void failed(RuntimeException e, Mode mode, double seconds) {
        if (!(e instanceof RedisFailure redis)) {
            metrics.failed(Optional.empty(), seconds);
            LOG.error("Allocation cycle failed after {}s: unexpected error", String.format(Locale.ROOT, "%.3f", seconds), e);
            return;
        }
        String cause = redis.kind().wireName();
        metrics.failed(Optional.of(cause), seconds);
        boolean down = redis.kind().unreachable();
        metrics.redisUp(!down);
        warnings.warn("redis-failure:" + cause, (down ? warnings.errorEvent() : warnings.event())
                        .addKeyValue("outcome", "failed").addKeyValue("redis_cause", cause)
                        .addKeyValue("duration_s", round3(seconds)).addKeyValue("mode", mode.wireName()),
                String.format(Locale.ROOT, "Allocation cycle failed after %.3fs: Redis %s (cause: %s)", seconds, redis.getMessage(), cause));
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
    private void changedTargets(CycleResult result, WriteResult written) {
        List<WritePlan.Change> changes = written.changes();
        if (logTargets == 0 || !(result instanceof CycleResult.Computed) || written.next().written().isEmpty()
                || changes.size() != result.decisions().size()) {
            return;
        }
        // The plan's changes, in the decisions' order: no lookup per symbol (two map lookups per symbol over 10,000
        // symbols were a third of a cycle's own CPU, JFR in docs/performance.md).
        int changed = 0;
        for (int i = 0; i < changes.size(); i++) {
            WritePlan.Change change = changes.get(i);
            if (change.written() && ++changed <= logTargets) {
                Decision d = result.decisions().get(i);
                LOG.info(String.format(Locale.ROOT, "%s: target=$%.2f weight=%.4f cap=%s base=$%.2f regime=%s x%.2f cluster=%s x%.2f dd=%s x%.2f"
                                + " perf x%.3f conf=%.2f%s", d.symbol(), d.targetUsd(), d.weight(), d.cap().wireName(), d.baseBudgetUsd(), d.regime(),
                        d.regimeFactor(), d.clusterId(), d.clusterFactor(), d.drawdownZone(), d.drawdownFactor(), d.performanceFactor(),
                        d.confidence(), change == WritePlan.Change.REFRESH || change == WritePlan.Change.TOUCH ? " (refreshed)" : ""));
            }
        }
        if (changed > logTargets) {
            LOG.info("... and {} more targets written this cycle (P29_LOG_TARGETS={})", changed - logTargets, logTargets);
        }
    }

    private void summary(CycleResult result, Mode mode, double seconds, boolean leading, ReadResult.Cache.Kind reads, Trigger trigger) {
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
    }

    /** A skip, each fallback and each rejection: a WARN once a minute per kind. */
    private void warnings(CycleResult result) {
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
