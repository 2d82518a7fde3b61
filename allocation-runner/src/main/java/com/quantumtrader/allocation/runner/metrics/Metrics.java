package com.quantumtrader.allocation.runner.metrics;

import com.quantumtrader.allocation.runner.config.BuildInfo;
import com.quantumtrader.allocation.redis.read.ReadResult;
import com.quantumtrader.allocation.core.CapKind;
import com.quantumtrader.allocation.core.CycleContext;
import com.quantumtrader.allocation.core.CycleResult;
import com.quantumtrader.allocation.core.DataSource;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.core.Fallback;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Rejection;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Optional;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Every metric of the service document under its exact name and labels, and DESIGN's extras.
 * Series of symbols and clusters that left the universe are removed after each computed cycle.
 * Only the loop thread records; scrapes read concurrently (the Prometheus Java client 1.x is thread-safe).
 */
public final class Metrics {

    /** Loop duration buckets: a few milliseconds up to the 2 s alert threshold and past the 5 s interval. */
    static final double[] LOOP_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 5, 10};

    public final PrometheusRegistry registry;
    /** The /metrics body of this registry; every update goes through it. */
    public final Exposition exposition;

    // The service document's metrics; its four per-symbol series are one collector.
    final SymbolSeries perSymbol = new SymbolSeries();
    final Counter shadowPass;
    final Counter staleFallback;
    final Gauge regimeFactor;
    final Gauge clusterFactor;
    final Gauge drawdownFactor;
    final Histogram loopDuration;

    // DESIGN section 5's extras.
    final Counter cycles;
    final Counter redisErrors;
    final Counter inputRejected;
    final Gauge lastSuccess;
    final Gauge lastTarget;
    /**
     * DESIGN section 25: when this runner, leading in a mode that writes targets, last completed the write of a computed
     * cycle (every due refresh landed); with {@link #targetRefresh}, alert {@code P29TargetsAging} fires when no runner has
     * for two refresh ages, minutes before the Governor calls the targets stale.
     */
    final Gauge lastTargetWrite;
    /** {@code P29_TARGET_REFRESH_SEC}, for the alert above. */
    final Gauge targetRefresh;
    /** DESIGN section 20: drops of the input cache, by cause (link_lost, primary_moved, flush, failed_cycle, tenure). */
    final Counter cacheDrops;
    /** Symbols of the last computed cycle without per-symbol series ({@link SymbolSeries#MAX_SYMBOLS}). */
    final Gauge symbolSeriesLeftOut;
    final Gauge symbols;
    public final Counter overruns;
    final Counter skips;
    final Counter targetsWritten;

    // DESIGN section 10: the writer's lease.
    final Gauge leader;
    final Counter leaderChanges;
    final Counter fencedWrites;
    /** DESIGN section 13: changes of the drawdown zone in force. */
    final Counter zoneChanges;
    /** DESIGN section 13: 1 for the mode in force, 0 for the others. */
    final Gauge mode;
    /** DESIGN section 13: control entries read and ignored (a garbage mode, a garbage scoped entry), one per entry per cycle. */
    final Counter controlInvalid;
    /** DESIGN section 25: cycles that could not read a control key (labelled by key) and kept the controls last read. */
    final Counter controlUnreadable;
    final Counter recordFailures;
    final Gauge clockOffset;
    final Counter leaseYields;
    final Counter targetsLost;
    final Counter overCapacity;
    final Gauge symbolsLeftOut;
    /** DESIGN section 17: the book's total over equity, and the targets per cap label, of the last computed cycle. */
    final Gauge grossExposure;
    /** 1 while Redis answers (the last cycle reached it and logged in), 0 after a cycle found it unreachable or refusing the login. */
    final Gauge redisUp;
    final Gauge targetsByCap;
    final Counter inputReads;
    final Counter reads;
    final Counter cacheDiscrepancies;
    final Counter cyclesByTrigger;
    final Counter changesWaited;

    private Set<String> clusterLabels = new HashSet<>();

    public Metrics(PrometheusRegistry registry) {
        this.registry = registry;
        this.exposition = new Exposition(registry, System::nanoTime);
        registry.register(perSymbol);
        shadowPass = counter("p29_shadow_pass_total", "Targets computed in shadow mode and not written (no override).")
                .register(registry);
        staleFallback = counter("p29_stale_fallback_total", "Inputs replaced by a neutral value (missing, stale or invalid), per source.")
                .labelNames("data_source").register(registry);
        regimeFactor = gauge("p29_regime_factor", "Current regime multiplier.").register(registry);
        clusterFactor = gauge("p29_cluster_factor", "Current cluster multiplier, per cluster.").labelNames("cluster").register(registry);
        drawdownFactor = gauge("p29_drawdown_factor", "Current drawdown multiplier.").register(registry);
        loopDuration = Histogram.builder().name("p29_loop_duration_seconds").help("Allocation loop duration: read, compute and write of one cycle.")
                .classicOnly().classicUpperBounds(LOOP_BUCKETS).withoutExemplars().register(registry);

        cycles = counter("p29_cycles_total", "Cycles by outcome: computed, skipped (bad portfolio), failed (Redis or bug).")
                .labelNames("outcome").register(registry);
        redisErrors = counter("p29_redis_errors_total", "Cycles that failed because of Redis, by Redis's cause (oom, readonly, timeout,"
                + " connection_refused, connection_closed, auth, noperm, fenced, cluster_moved, wrongtype, other).")
                .labelNames("cause").register(registry);
        inputRejected = counter("p29_input_rejected_total", "Input values discarded, per source and reason.")
                .labelNames("data_source", "reason").register(registry);
        lastSuccess = gauge("p29_last_success_timestamp_seconds", "Unix time of the last computed cycle.").register(registry);
        lastTargetWrite = gauge("p29_last_target_write_timestamp_seconds",
                "When this runner, leading in enforce, reduce or halt, last completed a computed cycle's write (its targets refreshed).")
                .register(registry);
        cacheDrops = counter("p29_cache_drops_total", "Drops of the incremental reads' input cache (the next read is full), by cause:"
                + " link_lost, primary_moved, flush, failed_cycle, tenure (a new leader or epoch).").labelNames("cause").register(registry);
        symbolSeriesLeftOut = gauge("p29_symbol_series_left_out", "Symbols of the last computed cycle without per-symbol series"
                + " (p29_target_usd and the others are published for the " + SymbolSeries.MAX_SYMBOLS + " largest targets).").register(registry);
        targetRefresh = gauge("p29_target_refresh_seconds", "P29_TARGET_REFRESH_SEC: an unchanged target is rewritten when this old.")
                .register(registry);
        lastTarget = gauge("p29_last_target_timestamp_seconds",
                "Unix time of the last cycle that computed at least one target (0: none since start).").register(registry);
        symbols = gauge("p29_symbols", "Symbols allocated in the last computed cycle.").register(registry);
        overruns = counter("p29_cycle_overruns_total", "Cycles that took longer than the interval.").register(registry);
        skips = counter("p29_cycle_skips_total", "Skipped cycles, per reason.").labelNames("reason").register(registry);
        targetsWritten = counter("p29_decisions_streamed_total", "Decision stream entries written.").register(registry);
        leader = gauge("p29_leader", "1 while this runner holds the writer's lease, 0 on a standby.").register(registry);
        leaderChanges = counter("p29_leader_changes_total", "Times this runner took the writer's lease (takeovers).").register(registry);
        fencedWrites = counter("p29_fenced_writes_total",
                "Writes refused whole because this runner no longer held the lease or a newer epoch existed.").register(registry);
        zoneChanges = counter("p29_drawdown_zone_changes_total",
                "Changes of the drawdown zone in force (with hysteresis: deeper at once, lighter after DD_RELAX_SEC).").register(registry);
        mode = gauge("p29_mode", "1 for the mode in force (control hash, else P29_MODE), 0 for the others.")
                .labelNames("mode").register(registry);
        controlInvalid = counter("p29_control_invalid_total",
                "Control entries read and ignored, per cycle: a garbage mode in quantum:control:allocation, a garbage scoped control.")
                .register(registry);
        controlUnreadable = counter("p29_control_unreadable_total",
                "Cycles that could not read a control key (garbage mode, wrong type, NOPERM, oversized, a garbage entry that replaced a"
                        + " valid one) and kept the control last read valid in force.")
                .labelNames("key").register(registry);
        recordFailures = counter("p29_record_failures_total",
                "Recorded cycles the recorder could not write (a full or read-only disk, a missing directory); the cycle is unaffected.")
                .register(registry);
        clockOffset = gauge("p29_clock_offset_seconds",
                "This host's clock minus the Redis server's TIME (the service's one clock), at the last lease round trip.")
                .register(registry);
        leaseYields = counter("p29_lease_yields_total",
                "Times this runner gave the writer's lease up because it completed no write while a standby could.")
                .register(registry);
        targetsLost = counter("p29_targets_lost_total",
                "Target hashes this runner wrote that were gone from Redis before their refresh (deleted, evicted, a node "
                        + "restarted); each is rewritten.")
                .register(registry);
        overCapacity = counter("p29_universe_over_capacity_total",
                "Cycles whose universe had more budget keys than P29_MAX_SYMBOLS (the heap's capacity); the excess is left out.")
                .register(registry);
        symbolsLeftOut = gauge("p29_universe_symbols_left_out",
                "Budget keys beyond P29_MAX_SYMBOLS in the last read (0: the whole universe is allocated).").register(registry);
        redisUp = gauge("p29_redis_up", "1 when the last cycle reached Redis and logged in; 0 when Redis was unreachable"
                + " (refused, timed out, dropped) or refused the login (alert P29RedisDown).").register(registry);
        grossExposure = gauge("p29_gross_exposure_ratio",
                "The book's total (sum of the targets) over equity, last computed cycle (MAX_GROSS_PCT caps it).").register(registry);
        targetsByCap = gauge("p29_targets_by_cap",
                "Targets of the last computed cycle per cap label: the step that lowered each last (none, symbol, cluster, gross,"
                        + " halt, scale, ramp, reduce).").labelNames("cap").register(registry);
        inputReads = counter("p29_input_reads_total",
                "Commands that read an input key (HMGET, HGETALL, XREVRANGE): with incremental reads about the keys that changed.")
                .register(registry);
        reads = counter("p29_reads_total", "Cycle reads by kind: off (P29_INCREMENTAL=false), full (cache empty or unusable),"
                + " incremental, audit (every P29_FULL_READ_SEC).").labelNames("kind").register(registry);
        cacheDiscrepancies = counter("p29_cache_discrepancies_total", "Input keys whose cached value a full read found different"
                + " from Redis with no change heard: a missed invalidation (goal 0; alert P29CacheDiscrepancy).").register(registry);
        cyclesByTrigger = counter("p29_cycle_triggers_total", "Cycles by what started them: timer, portfolio, regime, control.")
                .labelNames("trigger").register(registry);
        changesWaited = counter("p29_changes_waited_total", "Changes heard of the portfolio or the regime that started no cycle:"
                + " neither the drawdown zone nor the regime in force would change, so the timer's cycle reads them (DESIGN 22).")
                .labelNames("trigger").register(registry);
        gauge("p29_build_info", "1, labelled with this jar's version and the commit it was built from.")
                .labelNames("version", "commit").register(registry).labelValues(BuildInfo.CURRENT.version(), BuildInfo.CURRENT.commit()).set(1);
        zeroes();
    }

    /**
     * Every known label value of the labelled families at 0 from the start, so each family is in the body before its first
     * event (the 1.x client writes no family without a sample; simpleclient wrote its HELP and TYPE) and rate() has its zero.
     */
    private void zeroes() {
        for (CapKind c : CapKind.values()) {
            targetsByCap.labelValues(c.wireName());
        }
        for (com.quantumtrader.allocation.redis.wire.Trigger t : com.quantumtrader.allocation.redis.wire.Trigger.values()) {
            cyclesByTrigger.labelValues(t.wireName());
        }
        changesWaited.labelValues(com.quantumtrader.allocation.redis.wire.Trigger.PORTFOLIO.wireName());
        changesWaited.labelValues(com.quantumtrader.allocation.redis.wire.Trigger.REGIME.wireName());
        for (ReadResult.Cache.Kind k : ReadResult.Cache.Kind.values()) {
            reads.labelValues(k.wireName());
        }
        for (Mode m : Mode.values()) {
            mode.labelValues(m.wireName());
        }
        for (String outcome : new String[] {"computed", "skipped", "failed"}) {
            cycles.labelValues(outcome);
        }
        for (DataSource source : DataSource.values()) {
            staleFallback.labelValues(source.wireName());
            for (com.quantumtrader.allocation.core.RejectReason reason : com.quantumtrader.allocation.core.RejectReason.values()) {
                inputRejected.labelValues(source.wireName(), reason.wireName());
            }
        }
        for (com.quantumtrader.allocation.redis.client.RedisFailure.Kind k : com.quantumtrader.allocation.redis.client.RedisFailure.Kind.values()) {
            redisErrors.labelValues(k.wireName());
        }
        for (com.quantumtrader.allocation.core.SkipReason reason : com.quantumtrader.allocation.core.SkipReason.values()) {
            skips.labelValues(reason.wireName());
        }
        for (com.quantumtrader.allocation.redis.read.DropCause cause : com.quantumtrader.allocation.redis.read.DropCause.values()) {
            cacheDrops.labelValues(cause.wireName());
        }
        for (String key : new String[] {com.quantumtrader.allocation.redis.wire.Keys.CONTROL, com.quantumtrader.allocation.redis.wire.Keys.SCOPED_CONTROLS}) {
            controlUnreadable.labelValues(key);
        }
    }

    /** A counter builder without exemplars (nothing here traces); its name keeps {@code _total} in the text. */
    private static Counter.Builder counter(String name, String help) {
        return Counter.builder().name(name).help(help).withoutExemplars();
    }

    private static Gauge.Builder gauge(String name, String help) {
        return Gauge.builder().name(name).help(help).withoutExemplars();
    }

    /**
     * A cycle that completed (computed or skipped).
     *
     * @param leading whether this runner wrote the cycle (a standby computes and writes nothing)
     */
    /** What a read did with the cache (issue 28). */
    public void inputReads(com.quantumtrader.allocation.redis.read.ReadResult.Cache cache) {
        inputReads.inc(cache.inputReads());
        reads.labelValues(cache.kind().wireName()).inc();
        cacheDiscrepancies.inc(cache.discrepancies().size());
    }

    /** A completed cycle, by what started it. */
    public void cycleStarted(com.quantumtrader.allocation.redis.wire.Trigger trigger) {
        cyclesByTrigger.labelValues(trigger.wireName()).inc();
    }

    /** A change heard that started no cycle. */
    public void changeWaited(com.quantumtrader.allocation.redis.wire.Trigger trigger) {
        changesWaited.labelValues(trigger.wireName()).inc();
    }

    public void completed(CycleResult result, Mode mode, boolean leading, int streamed, double seconds) {
        exposition.update(() -> record(result, mode, leading, streamed, seconds));
    }

    /** The role this runner has now; {@code tookOver} when it has just taken the lease. */
    public void role(boolean leading, boolean tookOver) {
        exposition.update(() -> {
            leader.set(leading ? 1 : 0);
            if (tookOver) {
                leaderChanges.inc();
            }
        });
    }

    /** The zone in force changed this cycle. */
    public void zoneChanged() {
        exposition.update(zoneChanges::inc);
    }

    /** The mode in force this cycle. */
    public void mode(Mode inForce) {
        exposition.update(() -> {
            for (Mode m : Mode.values()) {
                mode.labelValues(m.wireName()).set(m == inForce ? 1 : 0);
            }
        });
    }

    /** Control entries read and ignored this cycle. */
    public void controlInvalid(int entries) {
        if (entries > 0) {
            exposition.update(() -> controlInvalid.inc(entries));
        }
    }

    /** The recorder could not write a recording. */
    public void recordFailed() {
        exposition.update(recordFailures::inc);
    }

    /** A control key could not be read this cycle; the controls last read stay in force. */
    public void controlUnreadable(String key) {
        exposition.update(() -> controlUnreadable.labelValues(key).inc());
    }

    /** A write refused by its fence. */
    public void fenced() {
        exposition.update(fencedWrites::inc);
    }

    public void clockOffset(double seconds) {
        exposition.update(() -> clockOffset.set(seconds));
    }

    public void universe(long leftOut) {
        exposition.update(() -> {
            symbolsLeftOut.set(leftOut);
            if (leftOut > 0) {
                overCapacity.inc();
            }
        });
    }

    public void targetsLost(long n) {
        exposition.update(() -> targetsLost.inc(n));
    }

    public void yielded() {
        exposition.update(leaseYields::inc);
    }

    private void record(CycleResult result, Mode mode, boolean leading, int streamed, double seconds) {
        loopDuration.observe(seconds);
        redisUp.set(1);
        // Counted per label first: a storm of 10,000 rejections is a handful of increments, not 10,000 lookups.
        Map<DataSource, Integer> fallbacks = new EnumMap<>(DataSource.class);
        for (Fallback f : result.fallbacks()) {
            fallbacks.merge(f.source(), 1, Integer::sum);
        }
        fallbacks.forEach((source, n) -> staleFallback.labelValues(source.wireName()).inc(n));
        Map<String, Integer> rejections = new HashMap<>();
        for (Rejection r : result.rejections()) {
            rejections.merge(r.source().wireName() + '\n' + r.reason().wireName(), 1, Integer::sum);
        }
        rejections.forEach((key, n) -> inputRejected.labelValues(key.split("\n")).inc(n));
        targetsWritten.inc(streamed);
        if (result instanceof CycleResult.Skipped skipped) {
            cycles.labelValues("skipped").inc();
            skips.labelValues(skipped.reason().wireName()).inc();
            return;
        }
        cycles.labelValues("computed").inc();
        if (leading && mode.writesTargets()) {
            lastTargetWrite.set(result.now().toEpochMilli() / 1000.0);
        }
        factors(((CycleResult.Computed) result).context());

        boolean enforce = mode.writesTargets();
        boolean overridden = enforce && leading;
        decisions(result, overridden);
        if (!enforce) {
            shadowPass.inc(result.decisions().size());
        }
        symbols.set(result.decisions().size());
        lastSuccess.set(result.now().toEpochMilli() / 1000.0);
        if (!result.decisions().isEmpty()) {
            lastTarget.set(result.now().toEpochMilli() / 1000.0);
        }
    }

    /** The cycle's factors; the series of clusters that left the universe go. */
    private void factors(CycleContext ctx) {
        regimeFactor.set(ctx.regimeFactor());
        drawdownFactor.set(ctx.drawdownFactor());
        Set<String> clustersNow = new HashSet<>(ctx.clusterFactors().keySet());
        ctx.clusterFactors().forEach((cluster, factor) -> clusterFactor.labelValues(cluster).set(factor));
        for (String gone : clusterLabels) {
            if (!clustersNow.contains(gone)) {
                clusterFactor.remove(gone);
            }
        }
        clusterLabels = clustersNow;
    }

    /** Per decision: its per-symbol series (the published ones), its cap label, its weight in the book. */
    private void decisions(CycleResult result, boolean overridden) {
        perSymbol.beginCycle();
        Set<String> published = SymbolSeries.published(result.decisions());
        symbolSeriesLeftOut.set(published == null ? 0 : result.decisions().size() - published.size());
        int[] caps = new int[CapKind.values().length];
        double book = 0;
        for (Decision d : result.decisions()) {
            if (published == null || published.contains(d.symbol())) {
                perSymbol.record(d.symbol(), d.confidence(), d.targetUsd(), overridden);
            }
            caps[d.cap().ordinal()]++;
            book += d.weight();
        }
        for (CapKind c : CapKind.values()) {
            targetsByCap.labelValues(c.wireName()).set(caps[c.ordinal()]);
        }
        grossExposure.set(Double.isFinite(book) ? book : Double.MAX_VALUE);
        perSymbol.endCycle(published == null ? result.decisions().size() : published.size());
    }

    /** The input cache was dropped for {@code cause}. */
    public void cacheDropped(String cause) {
        exposition.update(() -> cacheDrops.labelValues(cause).inc());
    }

    /** {@code P29_TARGET_REFRESH_SEC}, once at start. */
    public void targetRefresh(int seconds) {
        exposition.update(() -> targetRefresh.set(seconds));
    }

    /** Whether Redis answered the last cycle. */
    public void redisUp(boolean up) {
        exposition.update(() -> redisUp.set(up ? 1 : 0));
    }

    /** A cycle that failed; {@code redisCause}: Redis's cause ({@code RedisFailure.Kind}'s wire name) when Redis failed it. */
    public void failed(Optional<String> redisCause, double seconds) {
        exposition.update(() -> {
            loopDuration.observe(seconds);
            cycles.labelValues("failed").inc();
            redisCause.ifPresent(cause -> redisErrors.labelValues(cause).inc());
        });
    }
}
