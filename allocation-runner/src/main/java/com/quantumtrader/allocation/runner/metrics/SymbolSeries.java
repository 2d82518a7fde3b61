package com.quantumtrader.allocation.runner.metrics;

import com.quantumtrader.allocation.core.Decision;
import io.prometheus.client.Collector;
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
public final class SymbolSeries extends Collector {

    /** The most symbols with per-symbol series: about 250 KB of body. */
    public static final int MAX_SYMBOLS = 1_000;

    static final String COMPUTED = "p29_targets_computed";
    static final String OVERRIDES = "p29_enforce_overrides";
    static final String CONFIDENCE = "p29_allocation_confidence";
    static final String TARGET = "p29_target_usd";
    private static final List<String> LABEL = List.of("symbol");

    /** One symbol's values. */
    private static final class Entry {
        final List<String> labelValues;
        double computed;
        double overrides;
        double confidence;
        double target;
        long seen;

        Entry(String symbol) {
            labelValues = List.of(symbol);
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
    public List<MetricFamilySamples> collect() {
        int n = entries.size();
        List<MetricFamilySamples.Sample> computed = new ArrayList<>(n);
        List<MetricFamilySamples.Sample> overrides = new ArrayList<>(n);
        List<MetricFamilySamples.Sample> confidence = new ArrayList<>(n);
        List<MetricFamilySamples.Sample> target = new ArrayList<>(n);
        for (Entry e : entries.values()) {
            computed.add(new MetricFamilySamples.Sample(COMPUTED + "_total", LABEL, e.labelValues, e.computed));
            if (e.overrides > 0) {
                overrides.add(new MetricFamilySamples.Sample(OVERRIDES + "_total", LABEL, e.labelValues, e.overrides));
            }
            confidence.add(new MetricFamilySamples.Sample(CONFIDENCE, LABEL, e.labelValues, e.confidence));
            target.add(new MetricFamilySamples.Sample(TARGET, LABEL, e.labelValues, e.target));
        }
        return List.of(
                new MetricFamilySamples(COMPUTED, Type.COUNTER, "Targets computed, per symbol.", computed),
                new MetricFamilySamples(OVERRIDES, Type.COUNTER,
                        "Cycles whose target for the symbol is in force in Redis (enforce or reduce; written this cycle or left as "
                                + "written), per symbol.",
                        overrides),
                new MetricFamilySamples(CONFIDENCE, Type.GAUGE, "Allocation confidence in [0, 1], per symbol.", confidence),
                new MetricFamilySamples(TARGET, Type.GAUGE, "Computed target in USD, per symbol.", target));
    }
}
