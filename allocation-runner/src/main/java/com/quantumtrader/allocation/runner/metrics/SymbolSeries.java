package com.quantumtrader.allocation.runner.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import com.quantumtrader.allocation.core.Decision;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The service document's four per-symbol series ({@code p29_targets_computed_total},
 * {@code p29_enforce_overrides_total}, {@code p29_allocation_confidence}, {@code p29_target_usd}) as
 * one collector: a cycle updates plain fields of one entry per symbol (no label lookup, no exemplar
 * check, no per-cycle map), and the samples are built only when {@link Exposition} renders a scrape.
 * A symbol that left the universe loses its series in the cycle it left (a counter starts again at 0
 * if it returns, as a removed child of a labelled counter does). Updated and collected under the
 * exposition's lock only.
 *
 * <p>Bounded (DESIGN section 25): at most {@link #MAX_SYMBOLS} symbols have these series, the largest targets of the
 * cycle (then by name). At 100,000 symbols the four series were a 15-20 MB body whose render ended the unit's heap at the
 * first scrape; the book's figures ({@code p29_gross_exposure_ratio}, {@code p29_targets_by_cap}, ...) cover every symbol,
 * and every target is in its hash and the decision stream. {@code p29_symbol_series_left_out} says how many are not here.
 */
public final class SymbolSeries implements MultiCollector {

    /** The most symbols with per-symbol series: about 250 KB of body. */
    public static final int MAX_SYMBOLS = 1_000;

    static final String COMPUTED = "p29_targets_computed";
    static final String OVERRIDES = "p29_enforce_overrides";
    static final String CONFIDENCE = "p29_allocation_confidence";
    static final String TARGET = "p29_target_usd";

    /** One symbol's values. */
    private static final class Entry {
        final Labels labels;
        double computed;
        double overrides;
        double confidence;
        double target;
        long seen;

        Entry(String symbol) {
            labels = Labels.of("symbol", symbol);
        }
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private long cycle;

    /**
     * The symbols of {@code decisions} whose series are published: null for all of them (no more than {@link #MAX_SYMBOLS}),
     * else the {@link #MAX_SYMBOLS} largest targets, ties by name.
     */
    static Set<String> published(List<Decision> decisions) {
        if (decisions.size() <= MAX_SYMBOLS) {
            return null;
        }
        Comparator<Decision> larger = Comparator
                .comparingDouble(Decision::targetUsd)
                .thenComparing(Decision::symbol, Comparator.reverseOrder());
        PriorityQueue<Decision> top = new PriorityQueue<>(MAX_SYMBOLS + 1, larger);
        for (Decision d : decisions) {
            top.add(d);
            if (top.size() > MAX_SYMBOLS) {
                top.poll(); // the smallest of those kept
            }
        }
        Set<String> symbols = new HashSet<>(MAX_SYMBOLS * 2);
        top.forEach(d -> symbols.add(d.symbol()));
        return symbols;
    }

    /** Starts recording one computed cycle. */
    void beginCycle() {
        cycle++;
    }

    /** A symbol's decision in the current cycle; {@code override}: its target is in force in Redis (enforce or reduce, leader). */
    void record(String symbol, double confidence, double targetUsd, boolean override) {
        Entry e = entries.get(symbol);
        if (e == null) {
            e = new Entry(symbol);
            entries.put(symbol, e);
        }
        e.seen = cycle;
        e.computed++;
        e.confidence = confidence;
        e.target = targetUsd;
        if (override) {
            e.overrides++;
        }
    }

    /** Ends the cycle: the series of every symbol it did not allocate go, when there are any. */
    void endCycle(int allocated) {
        if (entries.size() == allocated) {
            return;
        }
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            if (it.next().seen != cycle) {
                it.remove();
            }
        }
    }

    @Override
    public MetricSnapshots collect() {
        CounterSnapshot.Builder computed = CounterSnapshot.builder().name(COMPUTED).help("Targets computed, per symbol.");
        CounterSnapshot.Builder overrides = CounterSnapshot.builder().name(OVERRIDES).help("Cycles whose target for the symbol is in force"
                + " in Redis (enforce or reduce; written this cycle or left as written), per symbol.");
        GaugeSnapshot.Builder confidence = GaugeSnapshot.builder().name(CONFIDENCE).help("Allocation confidence in [0, 1], per symbol.");
        GaugeSnapshot.Builder target = GaugeSnapshot.builder().name(TARGET).help("Computed target in USD, per symbol.");
        for (Entry e : entries.values()) {
            computed.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(e.labels).value(e.computed).build());
            // at 0 too: the 1.x client writes no family without a sample, and the proof script asks for this one in shadow
            overrides.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(e.labels).value(e.overrides).build());
            confidence.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(e.labels).value(e.confidence).build());
            target.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(e.labels).value(e.target).build());
        }
        return new MetricSnapshots(computed.build(), overrides.build(), confidence.build(), target.build());
    }
}
