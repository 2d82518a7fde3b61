package com.quantumtrader.allocation.runner.report;

import com.quantumtrader.allocation.core.CapKind;
import com.quantumtrader.allocation.core.PolicyVariables;
import com.quantumtrader.allocation.runner.config.BuildInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * A replay ({@link WhatIf.Result}) as one self-contained page in the report's style (no script, no external file): the
 * summary line, the two policies, the mode, zone and regime bands, the two books and the capped symbols over time,
 * symbols per cap kind and the largest per-symbol differences. Well-formed XML as well as HTML.
 */
public final class WhatIfPage {

    private final WhatIf.Result result;
    private final Instant start;
    private final long bucketSeconds;
    private final int buckets;
    private final ReportChart charts;
    /** The bucket of each moment. */
    private final int[] bucketOf;

    public WhatIfPage(WhatIf.Result result) {
        this.result = result;
        List<WhatIf.Moment> moments = result.moments();
        this.start = moments.isEmpty() ? Instant.EPOCH : moments.get(0).at();
        Instant end = moments.isEmpty() ? start : moments.get(moments.size() - 1).at();
        long span = Duration.between(start, end).getSeconds();
        // a bucket holds at least one recording interval, so the lines do not break between recordings
        this.bucketSeconds = Math.max(Math.max(1, medianGap(moments)), (span + ReportPage.MAX_BUCKETS - 1) / ReportPage.MAX_BUCKETS);
        this.buckets = (int) (span / bucketSeconds) + 1;
        this.charts = new ReportChart(start, start.plusSeconds(buckets * bucketSeconds), bucketSeconds, buckets);
        this.bucketOf = new int[moments.size()];
        for (int i = 0; i < moments.size(); i++) {
            bucketOf[i] = (int) Math.min(buckets - 1, Duration.between(start, moments.get(i).at()).getSeconds() / bucketSeconds);
        }
    }

    private static long medianGap(List<WhatIf.Moment> moments) {
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < moments.size(); i++) {
            gaps.add(Duration.between(moments.get(i - 1).at(), moments.get(i).at()).getSeconds());
        }
        return gaps.isEmpty() ? 1 : gaps.stream().sorted().toList().get(gaps.size() / 2);
    }

    public String render(String title) {
        StringBuilder sb = new StringBuilder(64 * 1024);
        ReportChart.head(sb, title, "td.num{text-align:right}tr.changed td{font-weight:bold}p.summary{font-size:15px;background:#f4f4f4;padding:8px}");
        List<WhatIf.Moment> moments = result.moments();
        sb.append("<p>").append(moments.size()).append(" recordings from ").append(ReportChart.SECOND.format(start)).append(" to ")
                .append(ReportChart.SECOND.format(moments.isEmpty() ? start : moments.get(moments.size() - 1).at())).append(" (UTC), ")
                .append(result.compared().size()).append(" computed under both policies. Replayed by allocation-runner ")
                .append(esc(BuildInfo.CURRENT.toString())).append(".</p>\n");
        sb.append("<p id=\"summary\" class=\"summary\">").append(esc(result.summary().map(WhatIf.Summary::line)
                .orElse("No recording was computed under both policies: nothing to compare."))).append("</p>\n");
        if (!result.skipped().isEmpty()) {
            sb.append("<p class=\"note\" id=\"skipped\">").append(result.skipped().size()).append(" recordings could not be read and are"
                    + " not replayed: ").append(esc(String.join("; ", result.skipped()))).append("</p>\n");
        }
        policies(sb);
        sb.append("<h2>Mode, drawdown zone under each policy, and regime</h2>\n");
        bands(sb);
        sb.append("<h2>The book (sum of targets, USD): policy in force against the candidate</h2>\n");
        sb.append(charts.chart("book", List.of(
                new ReportChart.Line("in force", "#1f77b4", 3.0, "", series(m -> m.inForce().computed() ? m.inForce().bookUsd() : Double.NaN)),
                new ReportChart.Line("candidate", "#ff7f0e", 1.5, "6 4", series(m -> m.candidate().computed() ? m.candidate().bookUsd() : Double.NaN))),
                Double.NaN, Double.NaN));
        sb.append("<h2>Symbols lowered by a cap or control</h2>\n");
        sb.append(charts.chart("capped", List.of(
                new ReportChart.Line("in force", "#1f77b4", 3.0, "", series(m -> capped(m.inForce()))),
                new ReportChart.Line("candidate", "#ff7f0e", 1.5, "6 4", series(m -> capped(m.candidate())))), Double.NaN, Double.NaN));
        caps(sb);
        differences(sb);
        sb.append("</body></html>\n");
        return sb.toString();
    }

    /** The variables of both policies, the candidate's changes in bold. */
    private void policies(StringBuilder sb) {
        sb.append("<h2>The two policies</h2>\n<table id=\"policies\"><tr><th>variable</th><th>in force (recorded)</th><th>candidate</th></tr>\n");
        for (String name : PolicyVariables.NAMES) {
            String inForce = result.inForce().getOrDefault(name, "");
            String candidate = result.candidate().getOrDefault(name, inForce);
            sb.append(candidate.equals(inForce) ? "<tr>" : "<tr class=\"changed\">").append("<td>").append(name).append("</td><td>")
                    .append(esc(inForce)).append("</td><td>").append(esc(candidate)).append("</td></tr>\n");
        }
        sb.append("</table>\n");
        if (result.changed() > 0) {
            sb.append("<p class=\"note\">The policy in force changed during the window: ").append(result.changed())
                    .append(" later recordings ran under another; each recording is replayed under its own, the candidate's variables"
                            + " over it. The table shows the first.</p>\n");
        }
    }

    private void bands(StringBuilder sb) {
        String[][] rows = new String[4][buckets];
        for (int i = 0; i < result.moments().size(); i++) {
            WhatIf.Moment m = result.moments().get(i);
            int b = bucketOf[i];
            rows[0][b] = m.market().mode().wireName();
            rows[1][b] = m.inForce().zone().map(Enum::name).orElse(null);
            rows[2][b] = m.candidate().zone().map(Enum::name).orElse(null);
            rows[3][b] = m.market().regime().name();
        }
        sb.append("<svg id=\"timeline\" class=\"chart\" viewBox=\"0 0 ").append(ReportChart.W).append(" 170\" role=\"img\">");
        charts.bandRows(sb, new String[] {"mode", "zone now", "zone cand.", "regime"}, rows);
        charts.timeAxis(sb, 124);
        sb.append("</svg>\n<p class=\"note\">").append(ReportChart.BAND_COLOURS).append(" Zone now: the zone under the policy in force;"
                + " zone cand.: under the candidate (its thresholds and hysteresis).</p>\n");
    }

    /** Per bucket, the mean of the moments' values in it (NaN: none, or none computed). */
    private double[] series(ToDoubleFunction<WhatIf.Moment> value) {
        double[] sum = new double[buckets];
        int[] n = new int[buckets];
        for (int i = 0; i < result.moments().size(); i++) {
            double v = value.applyAsDouble(result.moments().get(i));
            if (!Double.isNaN(v)) {
                sum[bucketOf[i]] += v;
                n[bucketOf[i]]++;
            }
        }
        double[] out = new double[buckets];
        for (int b = 0; b < buckets; b++) {
            out[b] = n[b] == 0 ? Double.NaN : sum[b] / n[b];
        }
        return out;
    }

    private static double capped(WhatIf.Side side) {
        if (!side.computed()) {
            return Double.NaN;
        }
        int n = 0;
        for (var e : side.caps().entrySet()) {
            n += e.getKey() == CapKind.NONE ? 0 : e.getValue();
        }
        return n;
    }

    /** Symbols per cap kind: the mean per compared recording, and the most at one, for each policy. */
    private void caps(StringBuilder sb) {
        List<WhatIf.Moment> compared = result.compared();
        sb.append("<h2>Symbols per cap kind (per recording computed under both)</h2>\n<table id=\"caps\"><tr><th>cap</th><th>in force: mean"
                + "</th><th>in force: most</th><th>candidate: mean</th><th>candidate: most</th></tr>\n");
        for (CapKind cap : CapKind.values()) {
            double[] a = stats(compared, m -> m.inForce().caps().getOrDefault(cap, 0));
            double[] b = stats(compared, m -> m.candidate().caps().getOrDefault(cap, 0));
            sb.append(String.format(Locale.ROOT, "<tr%s><td>%s</td><td class=\"num\">%.1f</td><td class=\"num\">%.0f</td>"
                            + "<td class=\"num\">%.1f</td><td class=\"num\">%.0f</td></tr>%n", a[0] == b[0] && a[1] == b[1] ? "" : " class=\"changed\"",
                    cap.wireName(), a[0], a[1], b[0], b[1]));
        }
        sb.append("</table>\n");
    }

    private static double[] stats(List<WhatIf.Moment> moments, Function<WhatIf.Moment, Integer> count) {
        double sum = 0;
        double most = 0;
        for (WhatIf.Moment m : moments) {
            int n = count.apply(m);
            sum += n;
            most = Math.max(most, n);
        }
        return new double[] {moments.isEmpty() ? 0 : sum / moments.size(), most};
    }

    private void differences(StringBuilder sb) {
        List<WhatIf.Difference> rows = result.largest();
        sb.append("<h2>The ").append(rows.size()).append(" largest per-symbol differences</h2>\n<p class=\"note\">Each symbol's largest"
                + " difference over the window (the first recording it was reached), largest first, at most ").append(WhatIf.TOP)
                .append("; step: where in the chain the two targets part (a factor, the base budget, or the cap or control that bound the"
                        + " lower one).</p>\n<table id=\"differences\"><tr><th>symbol</th><th>time (UTC)</th><th>in force USD</th><th>candidate"
                        + " USD</th><th>difference USD</th><th>step</th></tr>\n");
        for (WhatIf.Difference d : rows) {
            sb.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td class=\"num\">%,.0f</td><td class=\"num\">%,.0f</td>"
                            + "<td class=\"num\">%+,.0f</td><td>%s</td></tr>%n", esc(d.symbol()), ReportChart.SECOND.format(d.at()), d.inForceUsd(),
                    d.candidateUsd(), d.differenceUsd(), esc(d.step())));
        }
        if (rows.isEmpty()) {
            sb.append("<tr><td colspan=\"6\">no symbol's target differs</td></tr>\n");
        }
        sb.append("</table>\n");
    }

    private static String esc(String s) {
        return ReportChart.esc(s);
    }
}
