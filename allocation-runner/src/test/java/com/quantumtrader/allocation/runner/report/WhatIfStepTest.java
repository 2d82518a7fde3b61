package com.quantumtrader.allocation.runner.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.quantumtrader.allocation.core.CapKind;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.core.DrawdownZone;
import com.quantumtrader.allocation.core.Regime;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link WhatIf#step}: the first step of the chain at which two decisions of one symbol part. */
class WhatIfStepTest {

    /** BTCUSDT in cluster majors, base 10,000, TREND: the given factors, zone, target and cap. */
    private static Decision decision(double regimeFactor, double clusterFactor, String zone, double ddFactor, double perf, double uncapped,
                                     double target, String cap) {
        return new Decision("BTCUSDT", "majors", 10_000, uncapped, target, target / 100_000, Regime.TREND, regimeFactor, clusterFactor,
                DrawdownZone.valueOf(zone), ddFactor, perf, CapKind.valueOf(cap), 1.0, List.of());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # case                      | candidate: regime, cluster, zone, dd, perf, uncapped, target, cap | step
            regime factor differs       | 1.0 | 1.0 | LOW | 1.0 | 1.0 | 10000 | 10000 | NONE    | regime factor (TREND)
            cluster factor differs      | 1.2 | 0.8 | LOW | 1.0 | 1.0 | 9600  | 9600  | NONE    | cluster factor (majors)
            zone MID under candidate    | 1.2 | 1.0 | MID | 0.7 | 1.0 | 8400  | 8400  | NONE    | drawdown factor (LOW -> MID)
            same zone, another factor   | 1.2 | 1.0 | LOW | 0.9 | 1.0 | 10800 | 10800 | NONE    | drawdown factor (LOW)
            performance differs         | 1.2 | 1.0 | LOW | 1.0 | 0.5 | 6000  | 6000  | NONE    | performance factor
            base stale under candidate  | 1.2 | 1.0 | LOW | 1.0 | 1.0 | 0     | 0     | NONE    | base budget
            candidate gross-capped      | 1.2 | 1.0 | LOW | 1.0 | 1.0 | 12000 | 6000  | GROSS   | gross cap
            candidate symbol-capped     | 1.2 | 1.0 | LOW | 1.0 | 1.0 | 12000 | 5000  | SYMBOL  | symbol cap
            candidate lifts a cap       | 1.2 | 1.0 | LOW | 1.0 | 1.0 | 12000 | 12000 | NONE    | cluster cap
            candidate ramp holds lower  | 1.2 | 1.0 | LOW | 1.0 | 1.0 | 12000 | 4000  | RAMP    | ramp
            same cap, another ratio     | 1.2 | 1.0 | LOW | 1.0 | 1.0 | 12000 | 7000  | CLUSTER | cluster cap
            """)
    void step_firstPartingStepOfTheChain(String name, double regime, double cluster, String zone, double dd, double perf, double uncapped,
                                         double target, String cap, String step) {
        // in force: TREND 1.2, factors 1.0, LOW, product 12,000 cut by its cluster's cap to 8,000
        Decision inForce = decision(1.2, 1.0, "LOW", 1.0, 1.0, 12_000, 8_000, "CLUSTER");
        assertEquals(step, WhatIf.step(inForce, decision(regime, cluster, zone, dd, perf, uncapped, target, cap)));
    }
}
