package com.quantumtrader.allocation.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The drawdown zone in force (DESIGN section 13): deeper at once, lighter only past the band for the dwell. */
class ZoneHysteresisTest {

    static final Instant T0 = Instant.ofEpochSecond(1_767_225_600L);
    /** The shipped env file's setting: band 0.005, dwell 300 s. */
    static final Policy SHIPPED = hysteresis(0.005, 300);

    /** The defaults with a hysteresis band and dwell. */
    static Policy hysteresis(double band, long relaxSec) {
        Policy d = Policy.DEFAULTS;
        return new Policy(d.maxSymbolPct(), d.maxClusterPct(), d.staleData(), d.regimeFactorTrend(), d.regimeFactorMeanReversion(),
                d.regimeFactorChop(), d.ddLowThreshold(), d.ddHighThreshold(), d.ddFactorLow(), d.ddFactorMid(), d.ddFactorHigh(),
                d.clusterStressMin(), d.clusterStressMax(), band, java.time.Duration.ofSeconds(relaxSec));
    }

    @ParameterizedTest(name = "{0} in force, dd {1}, relax since {2} s ago -> {3}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            // in force | drawdown | relax since (s ago) | zone | relax since after (s ago)
            "NULL | 0.051 | NULL | MID  | NULL", // first cycle: the drawdown's own zone
            "LOW  | 0.05  | NULL | MID  | NULL", // deeper: at once
            "LOW  | 0.20  | NULL | HIGH | NULL", // two zones deeper: at once
            "MID  | 0.049 | NULL | MID  | NULL", // below 5 % but inside the band (4.5 %): hold
            "MID  | 0.044 | NULL | MID  | 0",    // below the relax line: the dwell starts now
            "MID  | 0.044 | 299  | MID  | 299",  // dwell not over
            "MID  | 0.044 | 300  | LOW  | NULL", // dwell over: lighter
            "MID  | 0.046 | 299  | MID  | NULL", // back inside the band: the dwell resets
            "HIGH | 0.01  | 300  | LOW  | NULL", // HIGH straight to LOW after the dwell
            "HIGH | 0.147 | NULL | HIGH | NULL", // 14.7 % + band = 15.2 %: still HIGH
            "HIGH | 0.144 | 300  | MID  | NULL",
            "MID  | 0.044 | -50  | MID  | 0",    // a relax time in the future (clock skew after a failover): restarts now
    })
    void zoneInForce_shippedSetting_table(String inForce, double drawdown, Long agoSec, DrawdownZone zone, Long afterAgoSec) {
        Optional<Instant> since = Optional.ofNullable(agoSec).map(T0::minusSeconds);
        Factors.ZoneInForce z = Factors.zoneInForce(drawdown, Optional.ofNullable(inForce).map(DrawdownZone::valueOf), since, SHIPPED, T0);
        assertEquals(zone, z.zone());
        assertEquals(Optional.ofNullable(afterAgoSec).map(T0::minusSeconds), z.relaxSince());
    }

    @Test
    void cycle_drawdownAlternating49And51EverySecondsForAMinute_zoneChangesOnceNotFortyTimes() {
        CarryOver c = CarryOver.START;
        List<DrawdownZone> zones = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            double dd = i % 2 == 0 ? 0.049 : 0.051;
            Instant now = T0.plusMillis(1500L * i);
            Allocator.Cycle cycle = Allocator.cycle(inputs(dd, now), SHIPPED, now, c);
            zones.add(((CycleResult.Computed) cycle.result()).context().drawdownZone());
            c = cycle.next();
        }
        assertEquals(1, changes(zones), zones.toString());
        assertEquals(DrawdownZone.MID, zones.get(zones.size() - 1));

        List<DrawdownZone> exact = new ArrayList<>(); // band and dwell 0: every crossing
        c = CarryOver.START;
        for (int i = 0; i < 40; i++) {
            Instant now = T0.plusMillis(1500L * i);
            Allocator.Cycle cycle = Allocator.cycle(inputs(i % 2 == 0 ? 0.049 : 0.051, now), Policy.DEFAULTS, now, c);
            exact.add(((CycleResult.Computed) cycle.result()).context().drawdownZone());
            c = cycle.next();
        }
        assertEquals(39, changes(exact));
    }

    @Test
    void cycle_skippedCycle_handsTheZoneAndTimerOn() {
        CarryOver c = new CarryOver(Optional.of(DrawdownZone.MID), Optional.of(T0.minusSeconds(10)), Optional.empty(), Optional.empty());
        CycleInputs none = new CycleInputs(Optional.empty(), List.of(), Map.of(), Map.of(), Optional.empty(), Map.of(), List.of());
        assertEquals(c, Allocator.cycle(none, SHIPPED, T0, c).next());
    }

    /**
     * Over any drawdown path: the zone in force is never lighter than the drawdown's own zone (deeper
     * applies in the same cycle), never deeper than the zone of (drawdown + band) held from before, with
     * band and dwell 0 it is the drawdown's own zone, and a lighter move happens only after the drawdown
     * has stood below the relax line for the whole dwell.
     */
    @Property(tries = 300)
    void cycle_anyDrawdownPath_zoneRules(@ForAll @Size(min = 1, max = 80) List<@DoubleRange(min = 0, max = 0.25) Double> path,
                                         @ForAll @DoubleRange(min = 0, max = 0.05) double band,
                                         @ForAll @IntRange(min = 0, max = 60) int relaxSec,
                                         @ForAll @IntRange(min = 1, max = 10) int stepSec) {
        Policy p = hysteresis(band, relaxSec);
        Policy exact = Policy.DEFAULTS;
        CarryOver c = CarryOver.START;
        DrawdownZone prev = null;
        List<Instant> times = new ArrayList<>();
        for (int i = 0; i < path.size(); i++) {
            double dd = path.get(i);
            Instant now = T0.plusSeconds((long) stepSec * i);
            times.add(now);
            Allocator.Cycle cycle = Allocator.cycle(inputs(dd, now), p, now, c);
            DrawdownZone zone = ((CycleResult.Computed) cycle.result()).context().drawdownZone();
            DrawdownZone raw = Factors.drawdownZone(dd, p);
            assertTrue(zone.compareTo(raw) >= 0, "never lighter than the drawdown's own zone");
            assertEquals(Factors.drawdownZone(dd, exact),
                    Allocator.cycle(inputs(dd, now), exact, now, CarryOver.START).result() instanceof CycleResult.Computed k
                            ? k.context().drawdownZone() : null);
            if (prev != null && zone.compareTo(prev) < 0) {
                // lighter: the drawdown stood below prev's relax line at every cycle of the last relaxSec seconds
                for (int j = i; j >= 0 && !times.get(j).isBefore(now.minusSeconds(relaxSec)); j--) {
                    assertTrue(Factors.drawdownZone(path.get(j) + band, p).compareTo(prev) < 0,
                            "cycle " + j + " was inside the band of " + prev);
                }
            }
            prev = zone;
            c = cycle.next();
        }
    }

    private static int changes(List<DrawdownZone> zones) {
        int n = 0;
        for (int i = 1; i < zones.size(); i++) {
            n += zones.get(i) != zones.get(i - 1) ? 1 : 0;
        }
        return n;
    }

    private static CycleInputs inputs(double drawdown, Instant now) {
        return new CycleInputs(Optional.of(new PortfolioState(100_000, drawdown, now)),
                List.of(new SymbolBudget("BTC", 10_000, now)), Map.of(), Map.of(), Optional.empty(), Map.of(), List.of());
    }
}
