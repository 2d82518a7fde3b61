package com.quantumtrader.allocation.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a change heard of the portfolio or the regime matters enough to start a cycle before the timer's (DESIGN
 * section 22): it does when the cycle would put another drawdown zone in force (with its hysteresis), another regime
 * in force, or compute where the last cycle could not. A write that changes none of them (the live stack's portfolio
 * publisher every 5 s, an equity drift, a regime's confidence) waits for the timer. Pure: the caller reads the inputs
 * and the clock.
 */
public final class Reaction {

    /** Why a heard change starts a cycle. */
    public enum Cause {
        /** The drawdown zone in force would change. */
        ZONE,
        /** The regime in force would change (a new regime, or a stale, missing or invalid one falling back to UNKNOWN). */
        REGIME,
        /** The last cycle computed nothing (none yet, skipped or failed) and this one would. */
        RESUMED
    }

    private Reaction() {
    }

    /**
     * Whether a cycle at {@code now} over the portfolio and regime just read would change what is in force.
     *
     * @param portfolio the portfolio hash decoded (empty: missing or invalid)
     * @param regime    the newest valid regime entry decoded (empty: none)
     * @param last      the context of the last cycle, when it computed (empty: none yet, skipped or failed)
     * @param previous  the carry-over the next cycle starts from (the zone in force and its relax timer)
     * @return the cause, or empty when the change can wait for the timer
     */
    public static Optional<Cause> matters(Optional<PortfolioState> portfolio, Optional<RegimeState> regime, Optional<CycleContext> last,
                                          CarryOver previous, Policy policy, Instant now) {
        Objects.requireNonNull(portfolio, "portfolio");
        Objects.requireNonNull(regime, "regime");
        Objects.requireNonNull(last, "last");
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(now, "now");
        Freshness fresh = Freshness.at(now, policy);
        if (portfolio.isEmpty() || Allocator.portfolioSkips(portfolio.get(), fresh)) {
            return Optional.empty(); // the cycle would skip: it writes no target, so the timer's is soon enough
        }
        if (last.isEmpty()) {
            return Optional.of(Cause.RESUMED);
        }
        DrawdownZone zone = Factors.zoneInForce(portfolio.get().drawdown(), previous.zone(), previous.relaxSince(), policy, now).zone();
        if (zone != last.get().drawdownZone()) {
            return Optional.of(Cause.ZONE);
        }
        if (regimeInForce(regime, fresh) != last.get().regime()) {
            return Optional.of(Cause.REGIME);
        }
        return Optional.empty();
    }

    /** The regime the rules would use: the entry's, UNKNOWN when there is none or it is stale (as {@link Allocator}). */
    private static Regime regimeInForce(Optional<RegimeState> regime, Freshness fresh) {
        return regime.filter(r -> !fresh.stale(r.timestamp())).map(RegimeState::regime).orElse(Regime.UNKNOWN);
    }
}
