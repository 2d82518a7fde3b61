package com.quantumtrader.allocation.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A heard portfolio or regime change starts a cycle only when the zone or regime in force would change (DESIGN section 22). */
class ReactionTest {

    private static final Instant NOW = ZoneHysteresisTest.T0;

    @ParameterizedTest(name = "[{index}] last {0}/{1}, dd {2}, relax since {3} s ago, equity {4}, portfolio {5} s old, regime {6} {7} s old -> {8}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            // last zone | last regime | drawdown | relax since (s ago) | equity | portfolio age | regime | regime age | cause
            "LOW  | TREND   | 0.01  | NULL | 100000 | 0    | TREND | 1    | NULL",     // the publisher's rewrite: nothing changed
            "LOW  | TREND   | 0.049 | NULL | 90000  | 0    | TREND | 1    | NULL",     // equity drift and a deeper LOW: waits
            "LOW  | TREND   | 0.05  | NULL | 100000 | 0    | TREND | 1    | ZONE",     // into MID: at once
            "MID  | TREND   | 0.16  | NULL | 100000 | 0    | TREND | 1    | ZONE",     // into HIGH
            "MID  | TREND   | 0.049 | NULL | 100000 | 0    | TREND | 1    | NULL",     // inside the band: held
            "MID  | TREND   | 0.044 | 299  | 100000 | 0    | TREND | 1    | NULL",     // below the relax line, dwell not over
            "MID  | TREND   | 0.044 | 300  | 100000 | 0    | TREND | 1    | ZONE",     // the dwell is over: relaxes
            "LOW  | TREND   | 0.01  | NULL | 100000 | 0    | CHOP  | 1    | REGIME",   // a new regime
            "LOW  | TREND   | 0.01  | NULL | 100000 | 0    | TREND | 301  | REGIME",   // the regime went stale: UNKNOWN
            "LOW  | TREND   | 0.01  | NULL | 100000 | 0    | NULL  | 0    | REGIME",   // no valid regime: UNKNOWN
            "LOW  | UNKNOWN | 0.01  | NULL | 100000 | 0    | NULL  | 0    | NULL",     // still none
            "NULL | NULL    | 0.01  | NULL | 100000 | 0    | TREND | 1    | RESUMED",  // the last cycle computed nothing
            "NULL | NULL    | 0.01  | NULL | 100000 | 301  | TREND | 1    | NULL",     // and this one would skip too (stale)
            "NULL | NULL    | 0.01  | NULL | 0      | 0    | TREND | 1    | NULL",     // no equity: would skip
            "LOW  | TREND   | 0.20  | NULL | 100000 | 301  | TREND | 1    | NULL",     // a stale portfolio skips: no reaction
    })
    void matters_table(DrawdownZone lastZone, Regime lastRegime, double drawdown, Long relaxAgo, double equity, long portfolioAge,
                       Regime regime, long regimeAge, Reaction.Cause cause) {
        Optional<CycleContext> last = Optional.ofNullable(lastZone)
                .map(z -> new CycleContext(100_000, 0, z, 1, lastRegime, 1, Map.of()));
        CarryOver previous = new CarryOver(Optional.ofNullable(lastZone), Optional.ofNullable(relaxAgo).map(NOW::minusSeconds),
                Optional.empty(), Optional.empty());
        Optional<PortfolioState> portfolio = Optional.of(new PortfolioState(equity, drawdown, NOW.minusSeconds(portfolioAge)));
        Optional<RegimeState> regimeState = Optional.ofNullable(regime).map(r -> new RegimeState(r, 0.8, NOW.minusSeconds(regimeAge)));

        Optional<Reaction.Cause> got = Reaction.matters(portfolio, regimeState, last, previous, ZoneHysteresisTest.SHIPPED, NOW);

        assertEquals(Optional.ofNullable(cause), got);
    }
}
