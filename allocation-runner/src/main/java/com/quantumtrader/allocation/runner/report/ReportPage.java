package com.quantumtrader.allocation.runner.report;

import com.quantumtrader.allocation.runner.config.BuildInfo;
import com.quantumtrader.allocation.runner.config.PolicySettings;
import com.quantumtrader.allocation.runner.config.Variable;
import com.quantumtrader.allocation.core.DataSource;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Outcome;
import com.quantumtrader.allocation.redis.CycleStream;
import com.quantumtrader.allocation.redis.wire.CycleEntry;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
    private static final int W = 900;
    private static final int H = 230;
    private static final int LEFT = 56;
    private static final int RIGHT = 12;
    private static final int TOP_PAD = 12;
    private static final int BOTTOM = 44;
    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private final Instant start;
    private final Instant end;
    private final long bucketSeconds;
    private final int buckets;
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
    /** Per symbol, its last target and budget in the window (from the decision stream): {target, budget}. */
    private final Map<String, double[]> lastTargets = new java.util.HashMap<>();

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
            lastTargets.put(w.entry().symbol(), new double[] {w.entry().target().targetUsd(), w.entry().target().baseBudgetUsd()});
        } else {
            lastTargets.remove(((CycleStream.Removed) c).entry().symbol());
        }
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
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>").append(esc(title)).append("</title>\n<style>")
                .append("body{font-family:sans-serif;margin:24px;max-width:960px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:28px}")
                .append("table{border-collapse:collapse;width:100%}td,th{border:1px solid #bbb;padding:4px 8px;text-align:left;font-size:13px}")
                .append(".pass{color:#1a7f37;font-weight:bold}.fail{color:#c62828;font-weight:bold}svg{width:100%;height:auto;border:1px solid #ddd}")
                .append("p.note{font-size:12px;color:#555}")
                .append("@media print{body{margin:0}h2{page-break-after:avoid}svg{page-break-inside:avoid}}")
                .append("</style></head><body>\n<h1>").append(esc(title)).append("</h1>\n");
        long failed = verdicts.stream().filter(v -> !v.pass()).count();
        sb.append("<p>Window ").append(SECOND.format(start)).append(" to ").append(SECOND.format(end)).append(" (UTC), drawn in ").append(buckets)
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
        sb.append(chart("total-target", List.of(new Line("total target", "#1f77b4", 1.5, "", mean(target)),
                new Line("total budget", "#999999", 1.5, "", mean(base))), Double.NaN, Double.NaN));
        sb.append("<h2>Gross exposure: the book (sum of targets) over equity</h2>\n");
        String cap = configuration.get(Variable.MAX_GROSS_PCT.name());
        double capLine = cap == null || cap.equals(PolicySettings.OFF) ? Double.NaN : Double.parseDouble(cap);
        sb.append(chart("gross", List.of(new Line("book / equity", "#9467bd", 1.5, "", mean(gross))), capLine, Double.NaN));
        if (!Double.isNaN(capLine)) {
            sb.append("<p class=\"note\">Dashed: MAX_GROSS_PCT = ").append(esc(cap)).append(".</p>\n");
        }
        sb.append("<h2>Allocation confidence: mean and 10th percentile</h2>\n");
        // p10 drawn first and wide, the mean dashed over it: where they are equal both stay visible
        sb.append(chart("confidence", List.of(new Line("p10", "#d62728", 3.5, "", mean(p10)),
                new Line("mean", "#2ca02c", 1.5, "6 4", mean(confidence))), 0.5, 1.0));
        sb.append("<p class=\"note\">Dashed grey: the go-live rule, mean above 0.5.</p>\n");
        sb.append("<h2>Fallbacks: share of symbol-cycles with a neutral input (%)</h2>\n");
        double[] share = new double[buckets];
        for (int i = 0; i < buckets; i++) {
            share[i] = symbolCycles[i] == 0 ? Double.NaN : 100.0 * fallbackSymbols[i] / symbolCycles[i];
        }
        sb.append(chart("fallbacks", List.of(new Line("fallback share", "#ff7f0e", 1.5, "", share)), 1.0, Double.NaN));
        sb.append("<p class=\"note\">The same figure as the fallbacks criterion above (symbol-cycles that used at least one neutral value,"
                + " over all symbol-cycles), per bucket; dashed grey: its rule, below 1 %.</p>\n");
        sb.append(fallbackTable());
        sb.append(differences());
        sb.append("</body></html>\n");
        return sb.toString();
    }

    private record Line(String name, String color, double width, String dash, double[] values) {
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
                sb.append("<tr><td>").append(name).append("</td><td>").append(esc(configuration.get(name))).append("</td></tr>\n");
            }
        }
        sb.append("</table>\n");
    }

    /** The symbols' last targets against their budgets, the largest absolute differences first; says how many it shows of how many. */
    private String differences() {
        List<Map.Entry<String, double[]>> rows = new ArrayList<>(lastTargets.entrySet());
        rows.sort((a, b) -> {
            int byGap = Double.compare(Math.abs(b.getValue()[0] - b.getValue()[1]), Math.abs(a.getValue()[0] - a.getValue()[1]));
            return byGap != 0 ? byGap : a.getKey().compareTo(b.getKey());
        });
        int shown = Math.min(TOP, rows.size());
        StringBuilder sb = new StringBuilder();
        sb.append("<h2>What enforce changes: the ").append(shown).append(" symbols (of ").append(rows.size())
                .append(" with a target in the window) whose target differs most from the budget</h2>\n");
        sb.append("<p class=\"note\">Each symbol's last target in the window (decision stream) against the budget engine's budget, largest"
                + " absolute difference first; at most ").append(TOP).append(" are shown.</p>\n");
        sb.append("<table id=\"differences\"><tr><th>symbol</th><th>budget engine USD</th><th>target USD</th><th>change "
                + "USD</th><th>change %</th></tr>\n");
        for (int i = 0; i < shown; i++) {
            double t = rows.get(i).getValue()[0];
            double budget = rows.get(i).getValue()[1];
            sb.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%,.0f</td><td>%,.0f</td><td>%+,.0f</td><td>%s</td></tr>%n",
                    esc(rows.get(i).getKey()),
                    budget, t, t - budget, budget == 0 ? "n/a" : String.format(Locale.ROOT, "%+.1f %%", 100 * (t - budget) / budget)));
        }
        if (rows.isEmpty()) {
            sb.append("<tr><td colspan=\"5\">no decision entry in the window</td></tr>\n");
        }
        sb.append("</table>\n");
        return sb.toString();
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
            sb.append("<tr><td>").append(i + 1).append("</td><td>").append(SECOND.format(controls.get(i).getKey())).append("</td><td>")
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

    private double x(double bucketCenter) {
        return LEFT + bucketCenter * (W - RIGHT - LEFT) / buckets;
    }

    private double xAt(Instant t) {
        double seconds = Duration.between(start, t).toMillis() / 1000.0;
        return LEFT + seconds / (buckets * (double) bucketSeconds) * (W - RIGHT - LEFT);
    }

    /**
     * One chart of lines over the window, with a time axis; NaN (no computed cycle in a bucket) breaks a line. A
     * {@code rule} draws a dashed grey horizontal line there; {@code fixedTop} fixes the y axis' top (confidence: 1).
     */
    private String chart(String id, List<Line> lines, double rule, double fixedTop) {
        double max = Double.isNaN(rule) ? 0 : rule;
        for (Line l : lines) {
            for (double v : l.values()) {
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        double top = !Double.isNaN(fixedTop) ? fixedTop : max == 0 ? 1 : max * 1.08;
        double plotH = H - TOP_PAD - BOTTOM;
        StringBuilder sb = new StringBuilder();
        sb.append("<svg id=\"").append(id).append("\" class=\"chart\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\" role=\"img\">");
        // y axis: 0, the middle and the top, labelled
        for (double f : new double[] {0, 0.5, 1}) {
            double y = TOP_PAD + plotH * (1 - f);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>", LEFT, y, W - RIGHT, y,
                    f == 0 ? "#444" : "#eee"));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>", LEFT - 4, y + 4,
                    esc(compact(top * f))));
        }
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\" stroke=\"#444\"/>", LEFT, TOP_PAD, LEFT,
                TOP_PAD + plotH));
        if (!Double.isNaN(rule)) {
            double y = TOP_PAD + plotH * (1 - rule / top);
            sb.append(String.format(Locale.ROOT, "<line class=\"rule\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#888\""
                    + " stroke-dasharray=\"4 3\"/>", LEFT, y, W - RIGHT, y));
        }
        timeAxis(sb, TOP_PAD + plotH);
        int legend = 0;
        for (Line l : lines) {
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < buckets; i++) {
                double v = l.values()[i];
                if (Double.isNaN(v)) {
                    flush(sb, points, l);
                    continue;
                }
                double y = TOP_PAD + plotH * (1 - Math.min(v, top) / top);
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(i + 0.5), y));
            }
            flush(sb, points, l);
            sb.append("<text x=\"").append(LEFT + 10 + legend * 140).append("\" y=\"").append(H - 4).append("\" font-size=\"12\" fill=\"")
                    .append(l.color()).append("\">").append(esc(l.name())).append("</text>");
            legend++;
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static void flush(StringBuilder sb, StringBuilder points, Line l) {
        if (points.length() == 0) {
            return;
        }
        String p = points.toString().trim();
        if (p.indexOf(' ') < 0) { // one point alone: a dot, not an invisible line of one point
            String[] xy = p.split(",");
            sb.append("<circle cx=\"").append(xy[0]).append("\" cy=\"").append(xy[1]).append("\" r=\"2.5\" fill=\"").append(l.color()).append("\"/>");
        } else {
            sb.append("<polyline fill=\"none\" stroke=\"").append(l.color()).append("\" stroke-width=\"").append(l.width()).append('"')
                    .append(l.dash().isEmpty() ? "" : " stroke-dasharray=\"" + l.dash() + "\"").append(" points=\"").append(p).append("\"/>");
        }
        points.setLength(0);
    }

    /** Tick steps a time axis may use: 4 to 12 ticks over the window. */
    private static final long[] STEPS = {10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800};

    /** The time axis under a chart at {@code y}: ticks at round UTC times, labelled HH:mm (HH:mm:ss below a minute), the date where it changes. */
    private void timeAxis(StringBuilder sb, double y) {
        long span = buckets * bucketSeconds;
        long step = STEPS[STEPS.length - 1];
        for (long s : STEPS) {
            if (span / s <= 10) {
                step = s;
                break;
            }
        }
        DateTimeFormatter label = DateTimeFormatter.ofPattern(step < 60 ? "HH:mm:ss" : "HH:mm").withZone(ZoneOffset.UTC);
        DateTimeFormatter day = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
        sb.append("<g class=\"time-axis\">");
        long first = (start.getEpochSecond() + step - 1) / step * step;
        String lastDay = "";
        Instant axisEnd = start.plusSeconds(span);
        for (long t = first; !Instant.ofEpochSecond(t).isAfter(axisEnd); t += step) {
            Instant at = Instant.ofEpochSecond(t);
            double x = xAt(at);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>", x, y, x, y + 4));
            String d = day.format(at);
            String text = label.format(at) + (d.equals(lastDay) ? "" : " " + d);
            lastDay = d;
            sb.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\">%s</text>", x,
                    y + 15, esc(text)));
        }
        sb.append(String.format(Locale.ROOT, "<text class=\"axis-title\" x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">time (UTC)</text>",
                W - RIGHT, y + 28));
        sb.append("</g>");
    }

    /** Three bands of coloured rectangles, one per bucket (mode in force, zone, regime), and a marker per control change. */
    private String bands() {
        int h = 150;
        StringBuilder sb = new StringBuilder();
        sb.append("<svg id=\"timeline\" class=\"chart\" viewBox=\"0 0 ").append(W).append(' ').append(h).append("\" role=\"img\">");
        double w = (double) (W - RIGHT - LEFT) / buckets;
        String[] rows = {"mode", "zone", "regime"};
        for (int i = 0; i < buckets; i++) {
            double x = LEFT + i * w;
            String[] values = {mode[i] == null ? null : mode[i].wireName(), zone[i], regime[i]};
            for (int r = 0; r < 3; r++) {
                if (values[r] != null) {
                    sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.2f\" height=\"22\" fill=\"%s\">"
                                    + "<title>%s %s</title></rect>",
                            x, 8 + r * 28, w + 0.2, color(values[r]), rows[r], esc(values[r])));
                }
            }
        }
        for (int r = 0; r < 3; r++) {
            sb.append("<text x=\"2\" y=\"").append(23 + r * 28).append("\" font-size=\"11\">").append(rows[r]).append("</text>");
        }
        for (int i = 0; i < controls.size(); i++) {
            double x = xAt(controls.get(i).getKey());
            Map<String, String> f = controls.get(i).getValue();
            sb.append(String.format(Locale.ROOT, "<g class=\"control\"><title>%s by %s: %s</title><line x1=\"%.1f\" y1=\"4\" x2=\"%.1f\" y2=\"88\""
                            + " stroke=\"#000\" stroke-width=\"1.5\"/><text x=\"%.1f\" y=\"100\" font-size=\"10\""
                            + " text-anchor=\"middle\">%d</text></g>",
                    esc(describe(f)), esc(f.getOrDefault("by", "")), esc(f.getOrDefault("reason", "")), x, x, x, i + 1));
        }
        timeAxis(sb, 104);
        sb.append("</svg>\n<p class=\"note\">Mode: enforce green, reduce amber, halt black, shadow light blue. Zone: LOW green, MID amber, HIGH"
                + " red. Regime: TREND blue, MEAN_REVERSION purple, CHOP grey, UNKNOWN white. Vertical marks: the control changes below,"
                + " numbered.</p>\n");
        return sb.toString();
    }

    private static String color(String v) {
        return switch (v) {
            case "enforce", "LOW" -> "#8fd19e";
            case "reduce", "MID" -> "#ffd166";
            case "halt" -> "#333333";
            case "shadow" -> "#cfe8ff";
            case "HIGH" -> "#ef476f";
            case "TREND" -> "#118ab2";
            case "MEAN_REVERSION" -> "#8e7dbe";
            case "CHOP" -> "#adb5bd";
            default -> "#ffffff";
        };
    }

    private static String compact(double v) {
        if (v >= 1e9) {
            return String.format(Locale.ROOT, "%.1fG", v / 1e9);
        }
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** Text safe in XML and HTML. */
    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(Character.isISOControl(ch) ? ' ' : ch);
            }
        }
        return sb.toString();
    }
}
