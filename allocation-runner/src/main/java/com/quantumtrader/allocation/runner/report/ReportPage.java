package com.quantumtrader.allocation.runner.report;

import com.quantumtrader.allocation.runner.config.BuildInfo;
import com.quantumtrader.allocation.runner.config.PolicySettings;
import com.quantumtrader.allocation.runner.config.Variable;
import com.quantumtrader.allocation.core.CapKind;
import com.quantumtrader.allocation.core.DataSource;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Outcome;
import com.quantumtrader.allocation.redis.CycleStream;
import com.quantumtrader.allocation.redis.wire.CycleEntry;
import com.quantumtrader.allocation.redis.wire.TargetHash;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The go-live report as one self-contained page for a risk manager (DESIGN section 14): no script, no external style,
 * font or image; the charts are inline SVG drawn here. The window is cut into time buckets sized to the window and the
 * service's interval (at least two cycles per bucket, at most {@link #MAX_BUCKETS}), folded entry by entry, so a
 * 10-minute window draws lines and the page's size does not grow with the window. Every chart has a time axis with
 * ticks in UTC. The page is well-formed XML as well as HTML, so a test can parse it.
 */
public final class ReportPage {

    static final int MAX_BUCKETS = 240;
    /** Symbols in the table of the largest differences. */
    static final int TOP = 20;

    private final Instant start;
    private final Instant end;
    private final long bucketSeconds;
    private final int buckets;
    /** The SVG time charts of this page's window. */
    private final ReportChart charts;
    private final Map<String, String> configuration;
    private final BuildInfo build;
    private final double[] target;
    private final double[] base;
    private final double[] confidence;
    private final double[] p10;
    private final double[] gross;
    private final long[] symbolCycles;
    private final long[] fallbackSymbols;
    private final int[] computed;
    private final String[] zone;
    private final String[] regime;
    private final Mode[] mode;
    private final Map<DataSource, long[]> fallbacksBySource = new EnumMap<>(DataSource.class);
    private final TreeSet<String> instances = new TreeSet<>();
    private final List<Map.Entry<Instant, Map<String, String>>> controls = new ArrayList<>();
    /** Per symbol, its last target in the window (from the decision stream). */
    private final Map<String, TargetHash> lastTargets = new java.util.HashMap<>();
    /** The mode in force beside {@code P29_MODE} when the control hash overrides it (or cannot be read); empty when it does not. */
    private String modeInForce = "";

    /**
     * @param interval      the service's {@code P29_INTERVAL_SEC}: a bucket holds at least two cycles
     * @param configuration the configuration in force, as {@code check-config} describes it (caps, factors, thresholds, mode)
     */
    public ReportPage(Instant start, Instant end, Duration interval, Map<String, String> configuration, BuildInfo build) {
        this.start = start.truncatedTo(ChronoUnit.SECONDS);
        this.end = end.truncatedTo(ChronoUnit.SECONDS);
        this.configuration = Map.copyOf(configuration);
        this.build = build;
        long seconds = Math.max(1, Duration.between(this.start, this.end).getSeconds());
        this.bucketSeconds = Math.max(Math.max(1, 2 * interval.getSeconds()), (seconds + MAX_BUCKETS - 1) / MAX_BUCKETS);
        this.buckets = (int) Math.max(1, (seconds + bucketSeconds - 1) / bucketSeconds);
        this.charts = new ReportChart(this.start, this.end, bucketSeconds, buckets);
        target = new double[buckets];
        base = new double[buckets];
        confidence = new double[buckets];
        p10 = new double[buckets];
        gross = new double[buckets];
        symbolCycles = new long[buckets];
        fallbackSymbols = new long[buckets];
        computed = new int[buckets];
        zone = new String[buckets];
        regime = new String[buckets];
        mode = new Mode[buckets];
        for (DataSource s : DataSource.values()) {
            fallbacksBySource.put(s, new long[buckets]);
        }
    }

    /** How many buckets the window is drawn in. */
    int buckets() {
        return buckets;
    }

    /** Adds the next entry of the window. */
    public void add(CycleEntry e) {
        long offset = Duration.between(start, e.ts()).getSeconds();
        if (offset < 0 || e.ts().isAfter(end)) {
            return;
        }
        int b = (int) Math.min(buckets - 1, offset / bucketSeconds);
        instances.add(e.instance());
        mode[b] = e.mode();
        if (e.outcome() != Outcome.COMPUTED || e.symbols() == 0) {
            return;
        }
        computed[b]++;
        target[b] += e.totalTargetUsd();
        base[b] += e.totalBaseUsd();
        confidence[b] += e.confidenceMean();
        p10[b] += e.confidenceP10();
        gross[b] += e.equityUsd() > 0 ? e.totalTargetUsd() / e.equityUsd() : 0;
        // the go-live criterion's own figures: symbol-cycles with a neutral input, over symbol-cycles
        symbolCycles[b] += e.symbols();
        fallbackSymbols[b] += e.fallbackSymbols();
        e.fallbacks().forEach((source, n) -> fallbacksBySource.get(source)[b] += n);
        zone[b] = e.zone();
        regime[b] = e.regime();
    }

    /** The next decision stream entry of the window: a symbol's target as last written, or its removal. */
    public void change(CycleStream.Change c) {
        if (c instanceof CycleStream.Written w) {
            lastTargets.put(w.entry().symbol(), w.entry().target());
        } else {
            lastTargets.remove(((CycleStream.Removed) c).entry().symbol());
        }
    }

    /**
     * What the configuration table says beside {@code P29_MODE}: the mode in force and why, when the control hash
     * overrides the configured mode (or cannot be read).
     */
    public void modeInForce(String text) {
        this.modeInForce = java.util.Objects.requireNonNull(text, "text");
    }

    /** The next audit entry of the operator's controls in the window. */
    public void control(Instant at, Map<String, String> fields) {
        if (!at.isBefore(start) && !at.isAfter(end.plusSeconds(1))) {
            controls.add(Map.entry(at, Map.copyOf(fields)));
        }
    }

    /** The page: the verdicts, what produced the window, then the charts. */
    public String render(List<GoLiveReport.Verdict> verdicts, String title) {
        StringBuilder sb = new StringBuilder(64 * 1024);
        ReportChart.head(sb, title, ".pass{color:#1a7f37;font-weight:bold}.fail{color:#c62828;font-weight:bold}");
        long failed = verdicts.stream().filter(v -> !v.pass()).count();
        sb.append("<p>Window ").append(ReportChart.SECOND.format(start)).append(" to ").append(ReportChart.SECOND.format(end)).append(" (UTC), drawn in ").append(buckets)
                .append(" buckets of ").append(GoLiveReport.human(Duration.ofSeconds(bucketSeconds))).append(". Verdict: <span class=\"")
                .append(failed == 0 ? "pass" : "fail").append("\">").append(failed == 0 ? "PASS" : "FAIL (" + failed + " of " + verdicts.size()
                        + " criteria)").append("</span></p>\n");
        sb.append("<table id=\"verdicts\"><tr><th>criterion</th><th>result</th><th>figure</th><th>rule</th></tr>\n");
        for (GoLiveReport.Verdict v : verdicts) {
            sb.append("<tr><td>").append(esc(v.criterion())).append("</td><td class=\"").append(v.pass() ? "pass" : "fail").append("\">")
                    .append(v.pass() ? "PASS" : "FAIL").append("</td><td>").append(esc(v.figure())).append("</td><td>").append(esc(v.rule()))
                    .append("</td></tr>\n");
        }
        sb.append("</table>\n");
        provenance(sb);
        sb.append("<h2>Mode in force, drawdown zone and regime; control changes</h2>\n");
        sb.append(bands());
        sb.append(controlTable());
        sb.append("<h2>Total target against total budget (USD)</h2>\n");
        sb.append(charts.chart("total-target", List.of(new ReportChart.Line("total target", "#1f77b4", 1.5, "", mean(target)),
                new ReportChart.Line("total budget", "#999999", 1.5, "", mean(base))), Double.NaN, Double.NaN));
        sb.append("<h2>Gross exposure: the book (sum of targets) over equity</h2>\n");
        String cap = configuration.get(Variable.MAX_GROSS_PCT.name());
        double capLine = cap == null || cap.equals(PolicySettings.OFF) ? Double.NaN : Double.parseDouble(cap);
        sb.append(charts.chart("gross", List.of(new ReportChart.Line("book / equity", "#9467bd", 1.5, "", mean(gross))), capLine, Double.NaN));
        if (!Double.isNaN(capLine)) {
            sb.append("<p class=\"note\">Dashed: MAX_GROSS_PCT = ").append(esc(cap)).append(".</p>\n");
        }
        sb.append("<h2>Allocation confidence: mean and 10th percentile</h2>\n");
        // p10 drawn first and wide, the mean dashed over it: where they are equal both stay visible
        sb.append(charts.chart("confidence", List.of(new ReportChart.Line("p10", "#d62728", 3.5, "", mean(p10)),
                new ReportChart.Line("mean", "#2ca02c", 1.5, "6 4", mean(confidence))), 0.5, 1.0));
        sb.append("<p class=\"note\">Dashed grey: the go-live rule, mean above 0.5.</p>\n");
        sb.append("<h2>Fallbacks: share of symbol-cycles with a neutral input (%)</h2>\n");
        double[] share = new double[buckets];
        for (int i = 0; i < buckets; i++) {
            share[i] = symbolCycles[i] == 0 ? Double.NaN : 100.0 * fallbackSymbols[i] / symbolCycles[i];
        }
        sb.append(charts.chart("fallbacks", List.of(new ReportChart.Line("fallback share", "#ff7f0e", 1.5, "", share)), 1.0, Double.NaN));
        sb.append("<p class=\"note\">The same figure as the fallbacks criterion above (symbol-cycles that used at least one neutral value,"
                + " over all symbol-cycles), per bucket; dashed grey: its rule, below 1 %.</p>\n");
        sb.append(fallbackTable());
        sb.append(differences());
        sb.append("</body></html>\n");
        return sb.toString();
    }

    /** What produced the window: version, commit, the instances that wrote it, the configuration in force. */
    private void provenance(StringBuilder sb) {
        sb.append("<h2>What produced this window</h2>\n<table id=\"provenance\">\n");
        sb.append("<tr><th>report by</th><td>allocation-runner ").append(esc(build.toString())).append("</td></tr>\n");
        sb.append("<tr><th>instances that wrote the window</th><td>").append(esc(instances.isEmpty() ? "none" : String.join(", ", instances)))
                .append("</td></tr>\n");
        sb.append("</table>\n<p class=\"note\">The configuration in force where this report was made (the runners' env file should be the same):"
                + "</p>\n<table id=\"configuration\"><tr><th>variable</th><th>value</th></tr>\n");
        for (String name : new String[] {"P29_MODE", "P29_INTERVAL_SEC", "MAX_SYMBOL_PCT", "MAX_CLUSTER_PCT", "MAX_GROSS_PCT", "P29_MAX_RAISE_PCT",
                "STALE_DATA_SEC", "REGIME_FACTOR_TREND", "REGIME_FACTOR_MR", "REGIME_FACTOR_CHOP", "DD_LOW_THRESHOLD", "DD_HIGH_THRESHOLD",
                "DD_FACTOR_LOW", "DD_FACTOR_MID", "DD_FACTOR_HIGH", "DD_HYSTERESIS", "DD_RELAX_SEC", "CLUSTER_STRESS_MIN", "CLUSTER_STRESS_MAX",
                "TARGET_TTL_SEC"}) {
            if (configuration.containsKey(name)) {
                String value = configuration.get(name) + (name.equals("P29_MODE") && !modeInForce.isEmpty() ? "; " + modeInForce : "");
                sb.append("<tr><td>").append(name).append("</td><td>").append(esc(value)).append("</td></tr>\n");
            }
        }
        sb.append("</table>\n");
    }

    /** The symbols' last targets against their budgets, the largest absolute differences first; says how many it shows of how many. */
    private String differences() {
        List<Map.Entry<String, TargetHash>> rows = new ArrayList<>(lastTargets.entrySet());
        rows.sort((a, b) -> {
            int byGap = Double.compare(gap(b.getValue()), gap(a.getValue()));
            return byGap != 0 ? byGap : a.getKey().compareTo(b.getKey());
        });
        int shown = Math.min(TOP, rows.size());
        StringBuilder sb = new StringBuilder();
        sb.append("<h2>What enforce changes: the ").append(shown).append(" symbols (of ").append(rows.size())
                .append(" with a target in the window) whose target differs most from the budget</h2>\n");
        sb.append("<p class=\"note\">Each symbol's last target in the window (decision stream) against the budget engine's budget, largest"
                + " absolute difference first; at most ").append(TOP).append(" are shown. Made by: the cap or control that lowered it"
                + " last (its <code>cap</code>), else the factors away from 1.</p>\n");
        sb.append("<table id=\"differences\"><tr><th>symbol</th><th>budget engine USD</th><th>target USD</th><th>change "
                + "USD</th><th>change %</th><th>made by</th></tr>\n");
        for (int i = 0; i < shown; i++) {
            TargetHash t = rows.get(i).getValue();
            double budget = t.baseBudgetUsd();
            sb.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%,.0f</td><td>%,.0f</td><td>%+,.0f</td><td>%s</td><td>%s</td></tr>%n",
                    esc(rows.get(i).getKey()), budget, t.targetUsd(), t.targetUsd() - budget,
                    budget == 0 ? "n/a" : String.format(Locale.ROOT, "%+.1f %%", 100 * (t.targetUsd() - budget) / budget), esc(madeBy(t))));
        }
        if (rows.isEmpty()) {
            sb.append("<tr><td colspan=\"6\">no decision entry in the window</td></tr>\n");
        }
        sb.append("</table>\n");
        return sb.toString();
    }

    private static double gap(TargetHash t) {
        return Math.abs(t.targetUsd() - t.baseBudgetUsd());
    }

    /**
     * The step that made a target differ from its budget: the cap or control that lowered it last, else each factor away
     * from 1 with what set it (the zone, the regime, the cluster), else "no step" (the target is the budget).
     */
    static String madeBy(TargetHash t) {
        if (t.cap() != CapKind.NONE) {
            return step(t.cap());
        }
        List<String> factors = new ArrayList<>();
        if (t.regimeFactor() != 1) {
            factors.add("regime x" + factor(t.regimeFactor()) + " (" + t.regime().name() + ")");
        }
        if (t.clusterFactor() != 1) {
            factors.add("cluster x" + factor(t.clusterFactor()) + " (" + t.clusterId() + ")");
        }
        if (t.drawdownFactor() != 1) {
            factors.add("drawdown x" + factor(t.drawdownFactor()) + " (" + t.drawdownZone().name() + ")");
        }
        if (t.performanceFactor() != 1) {
            factors.add("performance x" + factor(t.performanceFactor()));
        }
        return factors.isEmpty() ? "no step" : String.join(", ", factors);
    }

    /** A cap kind named as a step, as both pages name it: {@code symbol cap}, {@code gross cap}, {@code ramp}, {@code halt}, ... */
    static String step(CapKind cap) {
        return switch (cap) {
            case SYMBOL, CLUSTER, GROSS -> cap.wireName() + " cap";
            default -> cap.wireName();
        };
    }

    /** A factor to four decimals, without trailing zeros: 1.2, 0.7, 0.8571. */
    private static String factor(double v) {
        return java.math.BigDecimal.valueOf(v).setScale(4, java.math.RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
    }

    /** Fallbacks per source over the window: per cycle, as the criterion counts cycles. */
    private String fallbackTable() {
        long cycles = 0;
        for (int c : computed) {
            cycles += c;
        }
        StringBuilder sb = new StringBuilder("<table id=\"fallback-sources\"><tr><th>source</th><th>neutral values used</th><th>per computed"
                + " cycle</th></tr>\n");
        for (Map.Entry<DataSource, long[]> e : fallbacksBySource.entrySet()) {
            long n = 0;
            for (long v : e.getValue()) {
                n += v;
            }
            sb.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%,d</td><td>%.2f</td></tr>%n", e.getKey().wireName(), n,
                    cycles == 0 ? 0 : (double) n / cycles));
        }
        sb.append("</table>\n");
        return sb.toString();
    }

    private String controlTable() {
        StringBuilder sb = new StringBuilder("<table id=\"controls\"><tr><th>#</th><th>time (UTC)</th><th>change</th><th>by</th><th>why</th></tr>\n");
        for (int i = 0; i < controls.size(); i++) {
            Map<String, String> f = controls.get(i).getValue();
            sb.append("<tr><td>").append(i + 1).append("</td><td>").append(ReportChart.SECOND.format(controls.get(i).getKey())).append("</td><td>")
                    .append(esc(describe(f))).append("</td><td>").append(esc(f.getOrDefault("by", ""))).append("</td><td>")
                    .append(esc(f.getOrDefault("reason", ""))).append("</td></tr>\n");
        }
        if (controls.isEmpty()) {
            sb.append("<tr><td colspan=\"5\">no control change in the window</td></tr>\n");
        }
        sb.append("</table>\n");
        return sb.toString();
    }

    private static String describe(Map<String, String> f) {
        String what = f.containsKey("scope") ? f.get("scope") + " " + f.getOrDefault("control", "") : "mode " + f.getOrDefault("mode", "");
        return (f.getOrDefault("action", "?") + " " + what.strip()).strip();
    }

    private double[] mean(double[] sums) {
        double[] out = new double[buckets];
        for (int i = 0; i < buckets; i++) {
            out[i] = computed[i] == 0 ? Double.NaN : sums[i] / computed[i];
        }
        return out;
    }

    /** Three bands of coloured rectangles, one per bucket (mode in force, zone, regime), and a marker per control change. */
    private String bands() {
        StringBuilder sb = new StringBuilder();
        sb.append("<svg id=\"timeline\" class=\"chart\" viewBox=\"0 0 ").append(ReportChart.W).append(' ').append(150).append("\" role=\"img\">");
        String[] modes = new String[buckets];
        for (int i = 0; i < buckets; i++) {
            modes[i] = mode[i] == null ? null : mode[i].wireName();
        }
        charts.bandRows(sb, new String[] {"mode", "zone", "regime"}, new String[][] {modes, zone, regime});
        for (int i = 0; i < controls.size(); i++) {
            double x = charts.xAt(controls.get(i).getKey());
            Map<String, String> f = controls.get(i).getValue();
            sb.append(String.format(Locale.ROOT, "<g class=\"control\"><title>%s by %s: %s</title><line x1=\"%.1f\" y1=\"4\" x2=\"%.1f\" y2=\"88\""
                            + " stroke=\"#000\" stroke-width=\"1.5\"/><text x=\"%.1f\" y=\"100\" font-size=\"10\""
                            + " text-anchor=\"middle\">%d</text></g>",
                    esc(describe(f)), esc(f.getOrDefault("by", "")), esc(f.getOrDefault("reason", "")), x, x, x, i + 1));
        }
        charts.timeAxis(sb, 104);
        sb.append("</svg>\n<p class=\"note\">").append(ReportChart.BAND_COLOURS).append(" Vertical marks: the control changes below,"
                + " numbered.</p>\n");
        return sb.toString();
    }

    /** Text safe in XML and HTML. */
    static String esc(String s) {
        return ReportChart.esc(s);
    }
}
