package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.quantumtrader.allocation.runner.report.GoLiveReport;
import com.quantumtrader.allocation.core.DataSource;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Outcome;
import com.quantumtrader.allocation.redis.wire.CycleEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link GoLiveReport}: the criteria of DESIGN section 14 from hand-built cycle entries, with exact figures. */
class GoLiveReportTest {

    static final Instant T0 = Instant.ofEpochSecond(1_767_225_600L);

    /** A computed cycle at T0 + {@code s} seconds of 100 symbols, {@code fellBack} of them with a fallback, mean confidence {@code conf}. */
    private static CycleEntry computed(long s, int fellBack, double conf, long failedBefore, String instance, Mode mode) {
        return new CycleEntry("c" + s, T0.plusSeconds(s), instance, mode, Outcome.COMPUTED, "", 100, 10, 90, 0,
                Map.of(DataSource.REGIME, fellBack > 0 ? 1 : 0), fellBack, 0, conf, conf, conf, 1000, 1000, 100_000, "LOW", "TREND", 40,
                failedBefore);
    }

    private static CycleEntry computed(long s) {
        return computed(s, 0, 0.9, 0, "a", Mode.SHADOW);
    }

    private static CycleEntry skipped(long s) {
        return new CycleEntry("c" + s, T0.plusSeconds(s), "a", Mode.SHADOW, Outcome.SKIPPED, "portfolio_stale", 0, 0, 0, 0,
                Map.of(DataSource.PORTFOLIO, 1), 0, 0, 0, 0, 0, 0, 0, 0, "", "", 1, 0);
    }

    private static List<String> lines(GoLiveReport r, Instant until, Duration minSpan) {
        return r.judge(until, minSpan).orElseThrow().stream()
                .map(v -> (v.pass() ? "PASS " : "FAIL ") + v.criterion() + ": " + v.figure()).toList();
    }

    @Test
    void judge_aDayOfCleanCyclesEvery5s_everyCriterionPasses() {
        GoLiveReport r = new GoLiveReport();
        for (long s = 0; s <= 86_400; s += 5) {
            r.add(computed(s));
        }
        assertEquals(List.of(
                "PASS targets computed in every cycle: 17281 of 17281 cycles computed targets (0 skipped); longest gap 5s (from 2026-01-01T00:00:00Z)",
                "PASS fallbacks: 0.00 % of symbol-cycles (0 of 1728100)",
                "PASS mean allocation confidence: 0.900",
                "PASS failed cycles: 0",
                "PASS coverage: the data spans 24h (2026-01-01T00:00:00Z to 2026-01-02T00:00:00Z)"),
                lines(r, T0.plusSeconds(86_400), Duration.ofHours(24)));
    }

    @Test
    void judge_gapOfSkippedCycles_failedCycles_restartedInstance_modeSwitch_exactFigures() {
        GoLiveReport r = new GoLiveReport();
        r.add(computed(0));
        r.add(computed(5));
        for (long s = 10; s <= 310; s += 5) {
            r.add(skipped(s)); // the portfolio went stale for 5 minutes: skipped, not computed
        }
        r.add(computed(315, 0, 0.9, 3, "b", Mode.SHADOW)); // another instance took over after 3 failed cycles
        r.add(computed(320, 2, 0.3, 0, "b", Mode.ENFORCE)); // an operator switched to enforce: counted the same
        List<String> got = lines(r, T0.plusSeconds(325), Duration.ofMinutes(5));
        assertEquals(List.of(
                "FAIL targets computed in every cycle: 4 of 65 cycles computed targets (61 skipped); longest gap 5m10s (from 2026-01-01T00:00:05Z)",
                "PASS fallbacks: 0.50 % of symbol-cycles (2 of 400)",
                // (0.9 x 300 + 0.3 x 100) / 400
                "PASS mean allocation confidence: 0.750",
                "FAIL failed cycles: 3",
                "PASS coverage: the data spans 5m20s (2026-01-01T00:00:00Z to 2026-01-01T00:05:20Z)"),
                got);
    }

    @Test
    void judge_serviceStoppedBeforeTheWindowEnds_theTailIsAGap() {
        GoLiveReport r = new GoLiveReport();
        for (long s = 0; s <= 600; s += 5) {
            r.add(computed(s));
        }
        GoLiveReport.Verdict v = r.judge(T0.plusSeconds(1200), Duration.ofMinutes(5)).orElseThrow().get(0);
        assertEquals("121 of 121 cycles computed targets (0 skipped); longest gap 10m (from the last cycle with targets, 2026-01-01T00:10:00Z,"
                + " to the end of the window)", v.figure());
        assertEquals(false, v.pass());
    }

    @Test
    void judge_oneMinuteOfShadow_coverageFailsForADay() {
        GoLiveReport r = new GoLiveReport();
        for (long s = 0; s <= 60; s += 5) {
            r.add(computed(s));
        }
        GoLiveReport.Verdict coverage = r.judge(T0.plusSeconds(60), Duration.ofHours(24)).orElseThrow().get(4);
        assertEquals(new GoLiveReport.Verdict("coverage", "the data spans 1m (2026-01-01T00:00:00Z to 2026-01-01T00:01:00Z)", "at least 24h",
                false), coverage);
    }

    @Test
    void judge_fallbacksOnEverySymbol_failWithTheShare() {
        GoLiveReport r = new GoLiveReport();
        r.add(computed(0, 100, 0.5, 0, "a", Mode.SHADOW));
        r.add(computed(5, 1, 0.5, 0, "a", Mode.SHADOW));
        List<GoLiveReport.Verdict> v = r.judge(T0.plusSeconds(5), Duration.ofSeconds(5)).orElseThrow();
        assertEquals("50.50 % of symbol-cycles (101 of 200)", v.get(1).figure());
        assertEquals(false, v.get(1).pass());
        assertEquals("0.500", v.get(2).figure());
        assertEquals(false, v.get(2).pass(), "0.5 is not above 0.5");
    }

    @Test
    void judge_emptyWindow_noData() {
        assertEquals(Optional.empty(), new GoLiveReport().judge(T0, Duration.ofHours(24)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"2d, PT48H", "48h, PT48H", "90m, PT1H30M", "600s, PT10M"})
    void parse_durations(String text, String expected) {
        assertEquals(Duration.parse(expected), GoLiveReport.parse("--since", text));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"2w", "1.5h", "0h", "h", "-5m"})
    void parse_bad_refusedWithTheRule(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GoLiveReport.parse("--since", text));
        assertEquals(text.equals("0h") ? "--since: must be above 0, was '0h'"
                : "--since: must be a whole number followed by d, h, m or s (2d, 48h, 90m, 600s), was '" + text + "'", e.getMessage());
    }
}
