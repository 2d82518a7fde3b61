package com.quantumtrader.allocation.runner;

import com.quantumtrader.allocation.core.DataSource;
import com.quantumtrader.allocation.core.Outcome;
import com.quantumtrader.allocation.redis.wire.CycleEntry;
import com.quantumtrader.allocation.redis.CycleStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The go-live report as one self-contained page (DESIGN section 14): no script, no external style,
 * font or image; the charts are inline SVG drawn here (a few polylines and rectangles do not need a
 * charting library). The window is cut into at most {@link #BUCKETS} time buckets, folded entry by
 * entry, so the page's size and the memory do not grow with the window. The page is well-formed
 * XML as well as HTML, so a test can parse it.
 */
final class ReportPage {

    static final int BUCKETS = 480;
    private static final int W = 900;
    private static final int H = 220;
    private static final int PAD = 40;
    /** Series of at most this many points get a marker on each point. */
    private static final int MARKED = 72;

    private final Instant start;
    private final Instant end;
    private final int buckets;
    private final double[] target;
    private final double[] base;
    private final double[] confidence;
    private final double[] p10;
    private final int[] computed;
    private final String[] zone;
    private final String[] regime;
    private final Map<DataSource, long[]> fallbacksPerHour = new EnumMap<>(DataSource.class);
    private final int hours;
    /** Per symbol, its last target and budget in the window (from the decision stream): {target, budget}. */
    private final Map<String, double[]> lastTargets = new java.util.HashMap<>();
    /** Symbols in the table of the largest differences. */
    static final int TOP = 20;

    ReportPage(Instant start, Instant end) {
        this.start = start;
        this.end = end;
        long seconds = Math.max(1, Duration.between(start, end).getSeconds());
        this.buckets = (int) Math.min(BUCKETS, seconds);
        target = new double[buckets];
        base = new double[buckets];
        confidence = new double[buckets];
        p10 = new double[buckets];
        computed = new int[buckets];
        zone = new String[buckets];
        regime = new String[buckets];
        hours = (int) Math.max(1, (seconds + 3599) / 3600);
        for (DataSource s : DataSource.values()) {
            fallbacksPerHour.put(s, new long[hours]);
        }
    }

    /** Adds the next entry of the window. */
    void add(CycleEntry e) {
        long offset = Duration.between(start, e.ts()).getSeconds();
        long span = Math.max(1, Duration.between(start, end).getSeconds());
        if (offset < 0 || offset > span) {
            return;
        }
        int b = (int) Math.min(buckets - 1, offset * buckets / span);
        int h = (int) Math.min(hours - 1, offset / 3600);
        e.fallbacks().forEach((source, n) -> fallbacksPerHour.get(source)[h] += n);
        if (e.outcome() != Outcome.COMPUTED || e.symbols() == 0) {
            return;
        }
        computed[b]++;
        target[b] += e.totalTargetUsd();
        base[b] += e.totalBaseUsd();
        confidence[b] += e.confidenceMean();
        p10[b] += e.confidenceP10();
        zone[b] = e.zone();
        regime[b] = e.regime();
    }

    /** The next decision stream entry of the window: a symbol's target as last written, or its removal. */
    void change(CycleStream.Change c) {
        if (c instanceof CycleStream.Written w) {
            lastTargets.put(w.entry().symbol(), new double[] {w.entry().target().targetUsd(), w.entry().target().baseBudgetUsd()});
        } else {
            lastTargets.remove(((CycleStream.Removed) c).entry().symbol());
        }
    }

    /** The page: the verdicts, then the charts. */
    String render(List<GoLiveReport.Verdict> verdicts, String title) {
        StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>").append(esc(title)).append("</title>\n<style>")
                .append("body{font-family:sans-serif;margin:24px;max-width:960px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:28px}")
                .append("table{border-collapse:collapse;width:100%}td,th{border:1px solid #bbb;padding:4px 8px;text-align:left;font-size:13px}")
                .append(".pass{color:#1a7f37;font-weight:bold}.fail{color:#c62828;font-weight:bold}svg{width:100%;height:auto;border:1px solid #ddd}")
                .append("@media print{body{margin:0}h2{page-break-after:avoid}svg{page-break-inside:avoid}}")
                .append("</style></head><body>\n<h1>").append(esc(title)).append("</h1>\n");
        long failed = verdicts.stream().filter(v -> !v.pass()).count();
        sb.append("<p>Window ").append(start).append(" to ").append(end).append(". Verdict: <span class=\"").append(failed == 0 ? "pass" : "fail")
                .append("\">").append(failed == 0 ? "PASS" : "FAIL (" + failed + " of " + verdicts.size() + " criteria)").append("</span></p>\n");
        sb.append("<table id=\"verdicts\"><tr><th>criterion</th><th>result</th><th>figure</th><th>rule</th></tr>\n");
        for (GoLiveReport.Verdict v : verdicts) {
            sb.append("<tr><td>").append(esc(v.criterion())).append("</td><td class=\"").append(v.pass() ? "pass" : "fail").append("\">")
                    .append(v.pass() ? "PASS" : "FAIL").append("</td><td>").append(esc(v.figure())).append("</td><td>").append(esc(v.rule()))
                    .append("</td></tr>\n");
        }
        sb.append("</table>\n");
        sb.append("<h2>Total target against total budget (USD)</h2>\n");
        sb.append(lines("total-target", List.of(new Line("total target", "#1f77b4", mean(target)), new Line("total budget", "#999999", mean(base)))));
        sb.append("<h2>Allocation confidence (mean and 10th percentile)</h2>\n");
        sb.append(lines("confidence", List.of(new Line("mean", "#2ca02c", mean(confidence)), new Line("p10", "#d62728", mean(p10)))));
        sb.append("<h2>Fallbacks per source per hour</h2>\n");
        List<Line> sources = new ArrayList<>();
        String[] colors = {"#8c564b", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#7f7f7f"};
        int c = 0;
        for (Map.Entry<DataSource, long[]> e : fallbacksPerHour.entrySet()) {
            double[] v = new double[hours];
            for (int i = 0; i < hours; i++) {
                v[i] = e.getValue()[i];
            }
            sources.add(new Line(e.getKey().wireName(), colors[c++ % colors.length], v));
        }
        sb.append(lines("fallbacks", sources));
        sb.append("<h2>Drawdown zone and regime</h2>\n");
        sb.append(timeline());
        sb.append("<h2>What enforce would change: the ").append(TOP).append(" symbols whose target differs most from the budget</h2>\n");
        sb.append(differences());
        sb.append("</body></html>\n");
        return sb.toString();
    }

    private record Line(String name, String color, double[] values) {
    }

    /** The symbols' last targets against their budgets, the largest absolute differences first. */
    private String differences() {
        List<Map.Entry<String, double[]>> rows = new ArrayList<>(lastTargets.entrySet());
        rows.sort((a, b) -> {
            int byGap = Double.compare(Math.abs(b.getValue()[0] - b.getValue()[1]), Math.abs(a.getValue()[0] - a.getValue()[1]));
            return byGap != 0 ? byGap : a.getKey().compareTo(b.getKey());
        });
        StringBuilder sb = new StringBuilder();
        sb.append("<table id=\"differences\"><tr><th>symbol</th><th>budget engine USD</th><th>target USD</th><th>change "
                + "USD</th><th>change %</th></tr>\n");
        for (int i = 0; i < Math.min(TOP, rows.size()); i++) {
            double target = rows.get(i).getValue()[0];
            double budget = rows.get(i).getValue()[1];
            sb.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%,.0f</td><td>%,.0f</td><td>%+,.0f</td><td>%s</td></tr>%n",
                    esc(rows.get(i).getKey()),
                    budget, target, target - budget, budget == 0 ? "n/a" : String.format(Locale.ROOT, "%+.1f %%", 100 * (target - budget) / budget)));
        }
        if (rows.isEmpty()) {
            sb.append("<tr><td colspan=\"5\">no decision entry in the window</td></tr>\n");
        }
        sb.append("</table>\n");
        return sb.toString();
    }

    private double[] mean(double[] sums) {
        double[] out = new double[buckets];
        for (int i = 0; i < buckets; i++) {
            out[i] = computed[i] == 0 ? Double.NaN : sums[i] / computed[i];
        }
        return out;
    }

    /** One chart of lines over the window; NaN (no computed cycle in a bucket) breaks a line. */
    private static String lines(String id, List<Line> lines) {
        double max = 0;
        for (Line l : lines) {
            for (double v : l.values()) {
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        double top = max == 0 ? 1 : max * 1.05;
        StringBuilder sb = new StringBuilder();
        sb.append("<svg id=\"").append(id).append("\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\" role=\"img\">");
        sb.append("<line x1=\"").append(PAD).append("\" y1=\"").append(H - PAD).append("\" x2=\"").append(W - 10).append("\" y2=\"").append(H - PAD)
                .append("\" stroke=\"#444\"/><line x1=\"").append(PAD).append("\" y1=\"10\" x2=\"").append(PAD).append("\" y2=\"").append(H - PAD)
                .append("\" stroke=\"#444\"/>");
        sb.append("<text x=\"2\" y=\"18\" font-size=\"11\">").append(esc(compact(top))).append("</text><text x=\"2\" y=\"").append(H - PAD)
                .append("\" font-size=\"11\">0</text>");
        int legend = 0;
        for (Line l : lines) {
            int n = l.values().length;
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < n; i++) {
                double v = l.values()[i];
                if (Double.isNaN(v)) {
                    flush(sb, points, l.color());
                    continue;
                }
                double x = PAD + (n == 1 ? 0 : (double) i * (W - 10 - PAD) / (n - 1));
                double y = (H - PAD) - v / top * (H - PAD - 10);
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                if (n <= MARKED) { // few points (an hourly series of a short window): each one marked, a single one visible
                    sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", x, y, l.color()));
                }
            }
            flush(sb, points, l.color());
            sb.append("<text x=\"").append(PAD + 10 + legend * 120).append("\" y=\"").append(H - 12).append("\" font-size=\"12\" fill=\"")
                    .append(l.color()).append("\">").append(esc(l.name())).append("</text>");
            legend++;
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static void flush(StringBuilder sb, StringBuilder points, String color) {
        if (points.length() > 0) {
            sb.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1.5\" points=\"")
                    .append(points.toString().trim()).append("\"/>");
            points.setLength(0);
        }
    }

    /** Two bands of coloured rectangles, one per bucket: the zone in force and the regime. */
    private String timeline() {
        StringBuilder sb = new StringBuilder();
        sb.append("<svg id=\"timeline\" viewBox=\"0 0 ").append(W).append(" 90\" role=\"img\">");
        double w = (double) (W - 10 - PAD) / buckets;
        for (int i = 0; i < buckets; i++) {
            double x = PAD + i * w;
            if (zone[i] != null) {
                sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"10\" width=\"%.2f\" height=\"25\" fill=\"%s\"><title>%s</title></rect>", x,
                        w + 0.2, zoneColor(zone[i]), esc(zone[i])));
            }
            if (regime[i] != null) {
                sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"45\" width=\"%.2f\" height=\"25\" fill=\"%s\"><title>%s</title></rect>", x,
                        w + 0.2, regimeColor(regime[i]), esc(regime[i])));
            }
        }
        sb.append("<text x=\"2\" y=\"27\" font-size=\"11\">zone</text><text x=\"2\" y=\"62\" font-size=\"11\">regime</text>");
        sb.append("<text x=\"").append(PAD).append("\" y=\"86\" font-size=\"11\">LOW green, MID amber, HIGH red; TREND blue, MEAN_REVERSION purple,"
                + " CHOP grey, UNKNOWN white</text>");
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static String zoneColor(String z) {
        return switch (z) {
            case "LOW" -> "#8fd19e";
            case "MID" -> "#ffd166";
            case "HIGH" -> "#ef476f";
            default -> "#eeeeee";
        };
    }

    private static String regimeColor(String r) {
        return switch (r) {
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
