package com.quantumtrader.allocation.core;

import static com.quantumtrader.allocation.core.Fixtures.NOW;
import static com.quantumtrader.allocation.core.Fixtures.ago;
import static com.quantumtrader.allocation.core.Fixtures.budget;
import static com.quantumtrader.allocation.core.Fixtures.portfolio;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link WritePlan}: which targets a cycle rewrites (DESIGN section 12). */
class WritePlanTest {

    static final Duration REFRESH = Duration.ofSeconds(30);
    static final double MIN_CHANGE = 0.001;

    /** Equity 100,000, drawdown 0, no regime or cluster input: each target is its budget, cluster UNKNOWN, cap none. */
    private static CycleResult.Computed computed(double... budgets) {
        List<SymbolBudget> list = new ArrayList<>();
        for (int i = 0; i < budgets.length; i++) {
            list.add(budget("S" + i, budgets[i]));
        }
        CycleInputs in = new CycleInputs(Optional.of(portfolio(100_000, 0.0)), list, Map.of(), Map.of(), Optional.empty(), Map.of(), List.of());
        return (CycleResult.Computed) Allocator.allocate(in, Policy.DEFAULTS, NOW);
    }

    private static CarryOver.WrittenTarget writtenAs(CycleResult.Computed r, int i, double usd, long ageSeconds) {
        return new CarryOver.WrittenTarget(usd, ago(ageSeconds), CarryOver.WrittenTarget.of(r.decisions().get(i), NOW).labels());
    }

    @ParameterizedTest(name = "computed {0}, written {1} {2} s ago -> {3}")
    @CsvSource(delimiter = '|', value = {
            // computed | written | age s | change
            "10000      | 10000   | 5     | UNCHANGED",
            "10010      | 10000   | 5     | UNCHANGED",  // 0.1 % of 10,000 = 10: not more than it
            "10010.01   | 10000   | 5     | CHANGED",    // more than 0.1 %
            "9989.99    | 10000   | 5     | CHANGED",
            "10000      | 10000   | 23    | UNCHANGED",  // below 80 % of the refresh: never refreshed
            "10000      | 10000   | 30    | REFRESH",    // at the refresh age: rewritten, not streamed
            "0          | 0       | 5     | UNCHANGED",
            "1          | 0       | 5     | CHANGED",    // from 0 any rise is a change
    })
    void plan_oneSymbol_thresholdAndRefresh(double computed, double written, long age, WritePlan.Change change) {
        CycleResult.Computed r = computed(computed);
        WritePlan.Plan p = WritePlan.plan(r, Map.of("S0", writtenAs(r, 0, written, age)), Policy.DEFAULTS, MIN_CHANGE, REFRESH);
        assertEquals(List.of(change), p.changes());
        double stands = change == WritePlan.Change.UNCHANGED ? written : computed;
        assertEquals(stands, p.written().get("S0").targetUsd(), 0.0);
        assertEquals(change == WritePlan.Change.UNCHANGED ? ago(age) : NOW, p.written().get("S0").at());
    }

    /** {@link #computed}, the symbols in {@code clusters} allocation clusters ({@code S<i>} in {@code c<i % clusters>}). */
    private static CycleResult.Computed clustered(int clusters, double... budgets) {
        List<SymbolBudget> list = new ArrayList<>();
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < budgets.length; i++) {
            list.add(budget("S" + i, budgets[i]));
            map.put("S" + i, "c" + (i % clusters));
        }
        CycleInputs in = new CycleInputs(Optional.of(portfolio(100_000, 0.0)), list, map, Map.of(), Optional.empty(), Map.of(), List.of());
        return (CycleResult.Computed) Allocator.allocate(in, Policy.DEFAULTS, NOW);
    }

    @Test
    void plan_thousandTargetsWrittenTogether_clustersRefreshedWholeAndSpreadOverTheLastFifthOfTheRefresh() {
        double[] budgets = new double[1000];
        java.util.Arrays.fill(budgets, 50);
        CycleResult.Computed r = clustered(100, budgets);
        List<Integer> refreshedAtAge = new ArrayList<>();
        for (long age = 23; age <= 30; age++) {
            Map<String, CarryOver.WrittenTarget> w = new HashMap<>();
            for (int i = 0; i < budgets.length; i++) {
                w.put("S" + i, CarryOver.WrittenTarget.of(r.decisions().get(i), ago(age)));
            }
            WritePlan.Plan p = WritePlan.plan(r, w, Policy.DEFAULTS, MIN_CHANGE, REFRESH);
            Map<String, Set<WritePlan.Change>> perCluster = new HashMap<>();
            for (int i = 0; i < budgets.length; i++) {
                perCluster.computeIfAbsent(r.decisions().get(i).clusterId(), k -> new HashSet<>()).add(p.changes().get(i));
            }
            perCluster.forEach((c, changes) -> assertEquals(1, changes.size(), "cluster " + c + " refreshed whole or not at all: " + changes));
            assertEquals(0, p.count(WritePlan.Change.REFRESH), "every other field as written: touched only");
            refreshedAtAge.add(p.count(WritePlan.Change.TOUCH));
        }
        assertEquals(0, refreshedAtAge.get(0), "23 s: none");
        assertEquals(1000, refreshedAtAge.get(7), "30 s: all");
        for (int k = 2; k < 7; k++) {
            assertTrue(refreshedAtAge.get(k) > refreshedAtAge.get(k - 1) && refreshedAtAge.get(k) < 1000,
                    "25-29 s: more and more, never all at once: " + refreshedAtAge);
        }
        assertTrue(refreshedAtAge.get(2) < 300, "about a fifth per second of the last fifth: " + refreshedAtAge);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // what differs from the written target | change
            "nothing                                  | TOUCH",
            "value within the threshold               | TOUCH",
            "weight past the threshold (equity moved) | REFRESH",
            "base budget                              | REFRESH",
            "other fields unknown (read back partly)  | REFRESH",
    })
    void plan_dueTarget_touchedOnlyWhenEveryOtherFieldIsAsWritten(String differs, WritePlan.Change change) {
        CycleResult.Computed r = computed(10_000);
        Decision d = r.decisions().get(0);
        CarryOver.WrittenTarget exact = CarryOver.WrittenTarget.of(d, ago(30));
        CarryOver.WrittenTarget w = switch (differs.split(" ")[0]) {
            case "nothing" -> exact;
            case "value" -> new CarryOver.WrittenTarget(10_005, exact.at(), exact.labels(), exact.weight(), exact.content());
            case "weight" -> new CarryOver.WrittenTarget(10_000, exact.at(), exact.labels(), exact.weight() * 1.01, exact.content());
            case "base" -> new CarryOver.WrittenTarget(10_000, exact.at(), exact.labels(), exact.weight(),
                    CarryOver.WrittenTarget.content(9_000, d.regimeFactor(), d.clusterFactor(), d.drawdownFactor(), d.performanceFactor(),
                            d.confidence()));
            default -> new CarryOver.WrittenTarget(10_000, exact.at(), exact.labels());
        };
        WritePlan.Plan p = WritePlan.plan(r, Map.of("S0", w), Policy.DEFAULTS, MIN_CHANGE, REFRESH);
        assertEquals(List.of(change), p.changes());
        CarryOver.WrittenTarget stands = p.written().get("S0");
        assertEquals(NOW, stands.at(), "refreshed now");
        assertEquals(change == WritePlan.Change.TOUCH ? w.targetUsd() : d.targetUsd(), stands.targetUsd(), 0.0,
                "a touch leaves the written value, a whole refresh writes the computed one");
    }

    @Test
    void plan_noWrittenTarget_new_andVanishedSymbolRemoved() {
        CycleResult.Computed r = computed(1000);
        WritePlan.Plan p = WritePlan.plan(r, Map.of("GONE", new CarryOver.WrittenTarget(5, ago(1))), Policy.DEFAULTS, MIN_CHANGE, REFRESH);
        assertEquals(List.of(WritePlan.Change.NEW), p.changes());
        assertEquals(List.of("GONE"), p.removed());
        assertEquals(Map.of("S0", CarryOver.WrittenTarget.of(r.decisions().get(0), NOW)), p.written());
    }

    @Test
    void plan_labelChanged_orUnknown_rewrittenAsChanged() {
        CycleResult.Computed r = computed(1000);
        CarryOver.WrittenTarget otherZone = new CarryOver.WrittenTarget(1000, ago(1),
                new CarryOver.Labels("UNKNOWN", "UNKNOWN", "MID", "none"));
        assertEquals(List.of(WritePlan.Change.CHANGED), WritePlan.plan(r, Map.of("S0", otherZone), Policy.DEFAULTS, MIN_CHANGE, REFRESH).changes());
        assertEquals(List.of(WritePlan.Change.CHANGED),
                WritePlan.plan(r, Map.of("S0", new CarryOver.WrittenTarget(1000, ago(1))), Policy.DEFAULTS, MIN_CHANGE, REFRESH).changes());
    }

    @Test
    void plan_keptTargetsWouldBreakTheClusterCap_wholeClusterRewritten() {
        // Two symbols in UNKNOWN, each computed 29,990; written 30,020 each (within 0.1 %), sum 60,040 > 60 % of 100,000.
        CycleResult.Computed r = computed(29_990, 29_990);
        Map<String, CarryOver.WrittenTarget> w = Map.of("S0", writtenAs(r, 0, 30_020, 5), "S1", writtenAs(r, 1, 30_020, 5));
        WritePlan.Plan p = WritePlan.plan(r, w, Policy.DEFAULTS, MIN_CHANGE, REFRESH);
        assertEquals(List.of(WritePlan.Change.CHANGED, WritePlan.Change.CHANGED), p.changes());
    }

    @Test
    void plan_keptTargetsWouldBreakTheGrossCap_wholeBookRewritten() {
        // MAX_GROSS_PCT 0.5: budgets 30,000 + 30,000 (book 60,000) scaled to 25,000 each; written 25,020 each (within
        // 0.1 % of the computed) would stand at 50,040 > 50 % of 100,000: the Governor would see the book past its cap.
        Policy gross = Policy.DEFAULTS.withBookLimits(java.util.OptionalDouble.of(0.5), 0);
        CycleInputs in = new CycleInputs(Optional.of(portfolio(100_000, 0.0)), List.of(budget("S0", 30_000), budget("S1", 30_000)), Map.of(),
                Map.of(), Optional.empty(), Map.of(), List.of());
        CycleResult.Computed r = (CycleResult.Computed) Allocator.allocate(in, gross, NOW);
        assertEquals(25_000, r.decisions().get(0).targetUsd(), 1e-9);
        Map<String, CarryOver.WrittenTarget> w = Map.of("S0", writtenAs(r, 0, 25_020, 5), "S1", writtenAs(r, 1, 25_020, 5));
        assertEquals(List.of(WritePlan.Change.CHANGED, WritePlan.Change.CHANGED), WritePlan.plan(r, w, gross, MIN_CHANGE, REFRESH).changes());
        // the same written targets under no gross cap are left as written
        assertEquals(List.of(WritePlan.Change.UNCHANGED, WritePlan.Change.UNCHANGED),
                WritePlan.plan(r, w, Policy.DEFAULTS, MIN_CHANGE, REFRESH).changes());
    }

    @Test
    void plan_keptTargetOverTheSymbolCap_rewritten() {
        // Computed 39,990 (under 40 % of 100,000); written 40,020 (within 0.1 %) is over the cap.
        CycleResult.Computed r = computed(39_990);
        WritePlan.Plan p = WritePlan.plan(r, Map.of("S0", writtenAs(r, 0, 40_020, 5)), Policy.DEFAULTS, MIN_CHANGE, REFRESH);
        assertEquals(List.of(WritePlan.Change.CHANGED), p.changes());
    }

    @ParameterizedTest(name = "labels {0} {1} {2} {3} -> {4}")
    @CsvSource(delimiter = ';', value = {
            "UNKNOWN ; UNKNOWN ; LOW ; none  ; true",
            "UNKNOWN ; UNKNOWN ; LOW ; nonee ; false",
            "UNKNOWN ; UNKNOWN ; LOW ; non   ; false",
            "UNKNOWN ; UNKNOWN ; MID ; none  ; false",
            "UNKNOWN ; TREND   ; LOW ; none  ; false",
            "UNKNOW  ; UNKNOWN ; LOW ; none  ; false",
            "UNKNOWNX; UNKNOWN ; LOW ; none  ; false",
            "UNKNOWN ; UNKNOWN ; LOW ; ''    ; false",
            "''      ; ''      ; ''  ; ''    ; false",
    })
    void labelsMatches_eachLabel_comparedWithTheDecisions(String cluster, String regime, String zone, String cap, boolean same) {
        Decision d = computed(1000).decisions().get(0);
        assertEquals(new CarryOver.Labels("UNKNOWN", "UNKNOWN", "LOW", "none"), CarryOver.WrittenTarget.of(d, NOW).labels());
        assertEquals(same, new CarryOver.Labels(cluster, regime, zone, cap).matches(d));
    }

    @Test
    void plan_badSettings_refusedWithTheRule() {
        CycleResult.Computed r = computed(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WritePlan.plan(r, Map.of(), Policy.DEFAULTS, 1.5, REFRESH));
        assertEquals("minChangePct: must be in [0, 1], was 1.5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> WritePlan.plan(r, Map.of(), Policy.DEFAULTS, 0, Duration.ZERO));
        assertEquals("refresh: must be > 0, was PT0S", e.getMessage());
    }

    /**
     * Over any scenario and any written state: what stands after the write is within minChange of the
     * computed target, within the symbol cap and (per cluster) the cluster cap, and never older than the refresh.
     */
    @Property(tries = 500)
    void plan_anyInputsAnyWritten_standsWithinThresholdCapsAndAge(@ForAll("scenarios") AllocatorProperties.Scenario s,
                                                                  @ForAll @DoubleRange(min = 0.98, max = 1.02) double drift,
                                                                  @ForAll @IntRange(min = 0, max = 60) int age,
                                                                  @ForAll @DoubleRange(min = 0, max = 0.01) double minChange) {
        CycleResult result = Allocator.allocate(s.inputs(), s.policy(), NOW);
        if (!(result instanceof CycleResult.Computed r)) {
            return;
        }
        Map<String, CarryOver.WrittenTarget> written = new HashMap<>();
        for (Decision d : r.decisions()) {
            written.put(d.symbol(), new CarryOver.WrittenTarget(d.targetUsd() * drift, ago(age), CarryOver.WrittenTarget.of(d, NOW).labels()));
        }
        WritePlan.Plan p = WritePlan.plan(r, written, s.policy(), minChange, REFRESH);
        double equity = r.context().equityUsd();
        Map<String, Double> totals = new HashMap<>();
        for (Decision d : r.decisions()) {
            CarryOver.WrittenTarget stands = p.written().get(d.symbol());
            assertTrue(Math.abs(stands.targetUsd() - d.targetUsd()) <= minChange * stands.targetUsd() * (1 + 1e-12),
                    () -> d.symbol() + " stands at " + stands.targetUsd() + ", computed " + d.targetUsd());
            assertTrue(stands.targetUsd() <= s.policy().maxSymbolPct() * equity * (1 + 1e-9));
            assertTrue(!stands.at().plus(REFRESH).isBefore(NOW) && stands.at().isBefore(NOW.plus(REFRESH)), "younger than the refresh");
            totals.merge(d.clusterId(), stands.targetUsd(), Double::sum);
        }
        totals.forEach((cluster, total) -> assertTrue(total <= s.policy().maxClusterPct() * equity * (1 + 1e-6),
                () -> "cluster " + cluster + " stands at " + total));
        if (s.policy().maxGrossPct().isPresent()) {
            double book = totals.values().stream().mapToDouble(Double::doubleValue).sum();
            assertTrue(book <= s.policy().maxGrossPct().getAsDouble() * equity * (1 + 1e-6), () -> "the book stands at " + book);
        }
    }

    /**
     * Over any scenario, targets written as decided with a drifted value and an age per cluster: each cluster's kept
     * targets are refreshed together or not at all, none stands older than the refresh, and a touch leaves the written
     * value (it is within the threshold) with a fresh time; every target still within threshold and caps as above.
     */
    @Property(tries = 300)
    void plan_writtenAsDecided_clustersRefreshedTogetherAndTouchesKeepTheValue(@ForAll("scenarios") AllocatorProperties.Scenario s,
                                                                                @ForAll @DoubleRange(min = 0.999, max = 1.001) @net.jqwik.api.constraints.Scale(4) double drift,
                                                                                @ForAll @IntRange(min = 0, max = 40) int ageSeed) {
        CycleResult result = Allocator.allocate(s.inputs(), s.policy(), NOW);
        if (!(result instanceof CycleResult.Computed r)) {
            return;
        }
        Map<String, CarryOver.WrittenTarget> written = new HashMap<>();
        for (Decision d : r.decisions()) {
            CarryOver.WrittenTarget w = CarryOver.WrittenTarget.of(d, ago((ageSeed + Math.floorMod(d.clusterId().hashCode(), 13)) % 40));
            written.put(d.symbol(), new CarryOver.WrittenTarget(w.targetUsd() * drift, w.at(), w.labels(), w.weight(), w.content()));
        }
        WritePlan.Plan p = WritePlan.plan(r, written, s.policy(), MIN_CHANGE, REFRESH);
        Map<String, Set<Boolean>> keptRefreshed = new HashMap<>();
        for (int i = 0; i < r.decisions().size(); i++) {
            Decision d = r.decisions().get(i);
            WritePlan.Change c = p.changes().get(i);
            CarryOver.WrittenTarget w = written.get(d.symbol());
            CarryOver.WrittenTarget stands = p.written().get(d.symbol());
            if (c == WritePlan.Change.UNCHANGED || c == WritePlan.Change.TOUCH || c == WritePlan.Change.REFRESH) {
                keptRefreshed.computeIfAbsent(d.clusterId(), k -> new HashSet<>()).add(c != WritePlan.Change.UNCHANGED);
            }
            if (c == WritePlan.Change.TOUCH) {
                assertEquals(w.targetUsd(), stands.targetUsd(), 0.0, "a touch leaves the value");
                assertEquals(NOW, stands.at());
                assertTrue(w.touchable(d, MIN_CHANGE));
            }
            assertTrue(!stands.at().plus(REFRESH).isBefore(NOW), () -> d.symbol() + " older than the refresh: " + stands.at());
            assertTrue(Math.abs(stands.targetUsd() - d.targetUsd()) <= MIN_CHANGE * stands.targetUsd() * (1 + 1e-12));
        }
        keptRefreshed.forEach((cluster, kinds) -> assertEquals(1, kinds.size(), "cluster " + cluster + " refreshed in part"));
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<AllocatorProperties.Scenario> scenarios() {
        return new AllocatorProperties().scenarios();
    }

    @ParameterizedTest(name = "{0} after {1}, leading {2}")
    @CsvSource(delimiter = '|', value = {
            // in force | previous | leading | writes | targets | retracts | reduces | halts | hash mode | held in Redis | baseline
            "enforce  | (none)   | true     | true     | true     | false    | false    | false    | ENFORCE  | false    | WRITTEN",
            "enforce  | shadow   | true     | true     | true     | false    | false    | false    | ENFORCE  | false    | WRITTEN",
            "enforce  | enforce  | true     | true     | true     | false    | false    | false    | ENFORCE  | true     | WRITTEN",
            "enforce  | reduce   | true     | true     | true     | false    | false    | false    | ENFORCE  | true     | WRITTEN",
            "reduce   | (none)   | true     | true     | true     | false    | true     | false    | ENFORCE  | false    | WRITTEN",
            "reduce   | enforce  | true     | true     | true     | false    | true     | false    | ENFORCE  | true     | WRITTEN",
            "reduce   | shadow   | true     | true     | true     | false    | true     | false    | ENFORCE  | false    | WRITTEN",
            "shadow   | (none)   | true     | true     | false    | false    | false    | false    | SHADOW   | false    | NONE",
            "shadow   | shadow   | true     | true     | false    | false    | false    | false    | SHADOW   | false    | SHADOW_TWIN",
            "shadow   | enforce  | true     | true     | false    | true     | false    | false    | SHADOW   | true     | NONE",
            "shadow   | reduce   | true     | true     | false    | true     | false    | false    | SHADOW   | true     | NONE",
            "enforce  | enforce  | false    | false    | false    | false    | false    | false    | SHADOW   | true     | NONE",
            "reduce   | (none)   | false    | false    | false    | false    | false    | false    | SHADOW   | false    | NONE",
            "shadow   | enforce  | false    | false    | false    | false    | false    | false    | SHADOW   | true     | NONE",
            "halt     | (none)   | true     | true     | true     | false    | false    | true     | ENFORCE  | false    | WRITTEN",
            "halt     | enforce  | true     | true     | true     | false    | false    | true     | ENFORCE  | true     | WRITTEN",
            "halt     | shadow   | true     | true     | true     | false    | false    | true     | ENFORCE  | false    | WRITTEN",
            "shadow   | halt     | true     | true     | false    | true     | false    | false    | SHADOW   | true     | NONE",
            "enforce  | halt     | true     | true     | true     | false    | false    | false    | ENFORCE  | true     | WRITTEN",
            "halt     | enforce  | false    | false    | false    | false    | false    | false    | SHADOW   | true     | NONE",
    })
    void transition_modeInForcePreviousAndRole_decideWhatTheCycleWrites(String inForce, String previous, boolean leading, boolean writes,
                                                                         boolean targets, boolean retracts, boolean reduces, boolean halts,
                                                                         Mode hashMode,
                                                                         boolean held, WritePlan.Baseline baseline) {
        Optional<Mode> before = previous.equals("(none)") ? Optional.empty() : Optional.of(Mode.valueOf(previous.toUpperCase(java.util.Locale.ROOT)));
        WritePlan.Transition t = WritePlan.transition(Mode.valueOf(inForce.toUpperCase(java.util.Locale.ROOT)), before, leading);
        assertEquals(new WritePlan.Transition(writes, targets, retracts, reduces, halts, hashMode, held, baseline), t);
    }
}
