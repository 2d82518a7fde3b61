package com.quantumtrader.allocation.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Why one symbol's target is what it is (DESIGN section 24): the chain of one cycle's step for that symbol, as data (the
 * runner's {@code explain} words it). The rules' part repeats {@link Allocator}'s caps from the decisions of the same
 * cycle (the product, the symbol cap, the cluster's sum and ratio, the book's sum and ratio), so its numbers are the
 * cycle's own; the part after the rules is {@link CycleStep}'s (scoped controls, ramp, mode). Missing data is a value:
 * {@link Unexplained} says why there is no chain. Not yet part of the stable API.
 */
public sealed interface Explanation permits Explanation.Chain, Explanation.Unexplained {

    /** The symbol asked about. */
    String symbol();

    /** Why there is no chain. */
    enum Reason {
        /** The symbol has no budget this cycle (none in Redis, or one that was rejected). */
        NO_BUDGET,
        /** The cycle computed nothing ({@link Unexplained#skip()} says why). */
        SKIPPED
    }

    /**
     * No chain for {@code symbol}.
     *
     * @param skip why the cycle was skipped, for {@link Reason#SKIPPED}
     */
    record Unexplained(String symbol, Reason reason, Optional<SkipReason> skip) implements Explanation {
        /** Checks every component: a missing one throws {@link NullPointerException} naming it. */
        public Unexplained {
            Objects.requireNonNull(symbol, "symbol");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(skip, "skip");
        }
    }

    /**
     * One cap of the rules.
     *
     * @param limitUsd the limit in USD ({@code +Infinity}: off)
     * @param sumUsd   what it is held against: the symbol's product, its cluster's total, or the book's total
     * @param ratio    what it multiplied the target by (1: it did not bind)
     */
    record Cap(double limitUsd, double sumUsd, double ratio) {
        /** Whether it lowered the target. */
        public boolean bound() {
            return ratio < 1.0;
        }
    }

    /**
     * The rules (DESIGN sections 2 and 17): the decision before the scoped controls, the ramp and the mode, and its caps.
     *
     * @param decision the rules' decision: base, factors, product ({@link Decision#uncappedUsd()}), target, cap
     * @param equity   the portfolio's equity the caps are fractions of
     * @param symbol   {@code MAX_SYMBOL_PCT x equity} against the product
     * @param cluster  {@code MAX_CLUSTER_PCT x equity} against the cluster's total after the symbol caps
     * @param gross     {@code MAX_GROSS_PCT x equity} against the book's total after the cluster caps
     * @param fallbacks the cycle's fallbacks that touched this symbol: its own, its cluster's, the regime's, the portfolio's
     */
    record Rules(Decision decision, double equity, Cap symbol, Cap cluster, Cap gross, List<Fallback> fallbacks) {
        /** Checks every component: a missing one throws {@link NullPointerException} naming it. */
        public Rules {
            Objects.requireNonNull(decision, "decision");
            fallbacks = List.copyOf(fallbacks);
            Objects.requireNonNull(symbol, "symbol");
            Objects.requireNonNull(cluster, "cluster");
            Objects.requireNonNull(gross, "gross");
        }
    }

    /**
     * After the rules: the step's decision and what made it differ.
     *
     * @param decision  the step's decision for the symbol: what a leader writes (or, in shadow, would write)
     * @param controls  the scoped controls in force that name the symbol or its cluster
     * @param written   the target last written for it, if known
     * @param rampBound with the ramp on and a written target, the highest target it allowed now
     * @param mode      the mode in force
     */
    record After(Decision decision, List<ScopedControl> controls, Optional<CarryOver.WrittenTarget> written, OptionalDouble rampBound,
                 Mode mode) {
        /** Checks every component: a missing one throws {@link NullPointerException} naming it. */
        public After {
            Objects.requireNonNull(decision, "decision");
            controls = List.copyOf(controls);
            Objects.requireNonNull(written, "written");
            Objects.requireNonNull(rampBound, "rampBound");
            Objects.requireNonNull(mode, "mode");
        }
    }

    /**
     * The whole chain.
     *
     * @param now the cycle's time
     */
    record Chain(String symbol, Instant now, Rules rules, After after) implements Explanation {
        /** Checks every component: a missing one throws {@link NullPointerException} naming it. */
        public Chain {
            Objects.requireNonNull(symbol, "symbol");
            Objects.requireNonNull(now, "now");
            Objects.requireNonNull(rules, "rules");
            Objects.requireNonNull(after, "after");
        }
    }

    /**
     * The chain of {@code symbol} in the step a leader would take with these arguments ({@link CycleStep#step(CycleInputs,
     * CycleStep.Controls, CycleStep.Settings, Instant, CarryOver)}).
     */
    public static Explanation of(String symbol, CycleInputs inputs, CycleStep.Controls controls, CycleStep.Settings settings, Instant now,
                          CarryOver previous) {
        Objects.requireNonNull(symbol, "symbol");
        Policy policy = settings.policy();
        CycleResult rules = Allocator.cycle(inputs, policy, now, previous).result();
        if (!(rules instanceof CycleResult.Computed computed)) {
            return new Unexplained(symbol, Reason.SKIPPED, Optional.of(((CycleResult.Skipped) rules).reason()));
        }
        Optional<Decision> mine = computed.decisions().stream().filter(d -> d.symbol().equals(symbol)).findFirst();
        if (mine.isEmpty()) {
            return new Unexplained(symbol, Reason.NO_BUDGET, Optional.empty());
        }
        Decision d = mine.get();
        CycleResult stepped = CycleStep.step(inputs, controls, settings, now, previous).result();
        Decision after = stepped.decisions().stream().filter(x -> x.symbol().equals(symbol)).findFirst().orElse(d);
        Optional<CarryOver.WrittenTarget> written = previous.written().map(w -> w.get(symbol));
        OptionalDouble ramp = policy.ramps() && written.isPresent()
                ? OptionalDouble.of(Allocator.rampBound(written.get(), d.baseBudgetUsd(), policy, now)) : OptionalDouble.empty();
        List<ScopedControl> inForce = controls.scoped().stream().filter(c -> c.inForce(now) && c.names(symbol, d.clusterId())).toList();
        return new Chain(symbol, now, caps(computed, d, policy), new After(after, inForce, written, ramp, controls.mode()));
    }

    /** The caps of {@code d} from its cycle's decisions, in {@code RulesPass}'s order and arithmetic (weights of equity). */
    private static Rules caps(CycleResult.Computed computed, Decision d, Policy policy) {
        double equity = computed.context().equityUsd();
        double symbolLimit = policy.maxSymbolPct() * equity;
        java.util.Map<String, Double> weights = new java.util.HashMap<>();
        for (Decision x : computed.decisions()) {
            weights.merge(x.clusterId(), Math.min(x.uncappedUsd(), symbolLimit) / equity, Double::sum);
        }
        double book = 0;
        for (Decision x : computed.decisions()) {
            book += Math.min(x.uncappedUsd(), symbolLimit) * scale(weights.get(x.clusterId()), policy) / equity;
        }
        double clusterWeight = weights.get(d.clusterId());
        double grossLimit = policy.maxGrossPct().isPresent() ? policy.maxGrossPct().getAsDouble() : Double.POSITIVE_INFINITY;
        Cap symbol = new Cap(symbolLimit, d.uncappedUsd(), d.uncappedUsd() > symbolLimit ? symbolLimit / d.uncappedUsd() : 1.0);
        Cap cluster = new Cap(policy.maxClusterPct() * equity, clusterWeight * equity, scale(clusterWeight, policy));
        Cap gross = new Cap(grossLimit * equity, book * equity, book > grossLimit ? grossLimit / book : 1.0);
        List<Fallback> mine = computed.fallbacks().stream().filter(f -> f.subject().equals(d.symbol()) || f.subject().equals(d.clusterId())
                || f.subject().equals(DataSource.REGIME_SUBJECT) || f.subject().equals(DataSource.PORTFOLIO_SUBJECT)).toList();
        return new Rules(d, equity, symbol, cluster, gross, mine);
    }

    /** A cluster's scale past its cap: {@code MAX_CLUSTER_PCT} over its weight when above, else 1. */
    private static double scale(double weight, Policy policy) {
        return weight > policy.maxClusterPct() ? policy.maxClusterPct() / weight : 1.0;
    }
}
