package com.quantumtrader.allocation.runner.cli;

import com.quantumtrader.allocation.core.CapKind;
import com.quantumtrader.allocation.core.CycleContext;
import com.quantumtrader.allocation.core.CycleResult;
import com.quantumtrader.allocation.core.DataSource;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.core.DrawdownZone;
import com.quantumtrader.allocation.core.Factors;
import com.quantumtrader.allocation.core.Policy;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** A compact terminal table of one cycle's decisions, for {@code once} and {@code demo}. */
public final class DecisionTable {

    private final boolean color;
    /** The rules' settings, to show when the zone in force is held against the drawdown's own zone; null: not shown. */
    private final Policy policy;

    public DecisionTable(boolean color) {
        this(color, null);
    }

    public DecisionTable(boolean color, Policy policy) {
        this.color = color;
        this.policy = policy;
    }

    public String render(CycleResult r, String title) {
        StringBuilder sb = new StringBuilder();
        if (r instanceof CycleResult.Skipped skipped) {
            sb.append(bold(title)).append("  ").append(red("SKIPPED: " + skipped.reason().wireName() + " (nothing written)")).append('\n');
            return sb.toString();
        }
        CycleContext c = ((CycleResult.Computed) r).context();
        DrawdownZone own = policy == null ? c.drawdownZone() : Factors.drawdownZone(c.drawdown(), policy);
        String held = own == c.drawdownZone() ? "" : " (held; " + own + " by the thresholds)";
        sb.append(bold(title)).append(String.format(Locale.ROOT, "  equity %,.0f  drawdown %.1f%% %s x%.2f%s  regime %s x%.2f%n",
                c.equityUsd(), Math.abs(c.drawdown()) * 100, c.drawdownZone(), c.drawdownFactor(), held, c.regime(), c.regimeFactor()));
        sb.append(dim(String.format(Locale.ROOT, "%-10s %-8s %12s %6s %6s %6s %6s %12s %-7s %5s  %s%n",
                "symbol", "cluster", "base $", "regime", "clust", "dd", "perf", "target $", "cap", "conf", "fallbacks")));
        double total = 0;
        for (Decision d : r.decisions()) {
            total += d.targetUsd();
            String fallbacks = d.fallbacks().stream().map(DataSource::wireName).collect(Collectors.joining(","));
            String line = String.format(Locale.ROOT, "%-10s %-8s %,12.0f %6.2f %6.2f %6.2f %6.3f %,12.0f %-7s %5.2f  %s",
                    d.symbol(), d.clusterId(), d.baseBudgetUsd(), d.regimeFactor(), d.clusterFactor(), d.drawdownFactor(),
                    d.performanceFactor(), d.targetUsd(), d.cap().wireName(), d.confidence(), fallbacks);
            sb.append(d.budgetStale() || d.confidence() < 0.5 ? yellow(line) : d.cap() != CapKind.NONE ? cyan(line) : line).append('\n');
        }
        sb.append(dim(String.format(Locale.ROOT, "%-10s %-8s %12s %6s %6s %6s %6s %,12.0f  (%.1f%% of equity)%n",
                "total", "", "", "", "", "", "", total, 100 * total / c.equityUsd())));
        List<String> fallbacks = r.fallbacks().stream().map(f -> f.source().wireName() + ":" + f.subject() + "(" + f.reason().wireName() + ")")
                .distinct().limit(6).toList();
        if (!fallbacks.isEmpty()) {
            sb.append(dim("fallbacks: " + String.join(" ", fallbacks) + (r.fallbacks().size() > 6 ? " ..." : ""))).append('\n');
        }
        return sb.toString();
    }

    private String bold(String s) {
        return color ? "\u001b[1m" + s + "\u001b[0m" : s;
    }

    private String dim(String s) {
        return color ? "\u001b[2m" + s + "\u001b[0m" : s;
    }

    private String red(String s) {
        return color ? "\u001b[31m" + s + "\u001b[0m" : s;
    }

    private String yellow(String s) {
        return color ? "\u001b[33m" + s + "\u001b[0m" : s;
    }

    private String cyan(String s) {
        return color ? "\u001b[36m" + s + "\u001b[0m" : s;
    }
}
