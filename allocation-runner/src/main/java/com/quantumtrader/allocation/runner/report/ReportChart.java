package com.quantumtrader.allocation.runner.report;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The report page's SVG time charts: the geometry, the x of a bucket or an instant, one chart of lines with its rule,
 * and the time axis under it. One per page, for its window and buckets.
 */
final class ReportChart {

    static final int W = 900;
    static final int H = 230;
    static final int LEFT = 56;
    static final int RIGHT = 12;
    /** Room above the plot for the legend. */
    static final int TOP_PAD = 30;
    static final int BOTTOM = 34;
    static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private final Instant start;
    private final Instant end;
    private final long bucketSeconds;
    private final int buckets;

    ReportChart(Instant start, Instant end, long bucketSeconds, int buckets) {
        this.start = start;
        this.end = end;
        this.bucketSeconds = bucketSeconds;
        this.buckets = buckets;
    }

    record Line(String name, String color, double width, String dash, double[] values) {
    }

    double x(double bucketCenter) {
        return LEFT + bucketCenter * (W - RIGHT - LEFT) / buckets;
    }

    double xAt(Instant t) {
        double seconds = Duration.between(start, t).toMillis() / 1000.0;
        return LEFT + seconds / (buckets * (double) bucketSeconds) * (W - RIGHT - LEFT);
    }

    /**
     * One chart of lines over the window, with a time axis; NaN (no computed cycle in a bucket) breaks a line. A
     * {@code rule} draws a dashed grey horizontal line there; {@code fixedTop} fixes the y axis' top (confidence: 1).
     */
    String chart(String id, List<Line> lines, double rule, double fixedTop) {
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
        }
        legend(sb, lines);
        sb.append("</svg>\n");
        return sb.toString();
    }

    /** The legend above the plot: per line a sample of it (colour, width, dash) and its name. */
    private static void legend(StringBuilder sb, List<Line> lines) {
        sb.append("<g class=\"legend\">");
        double x = LEFT;
        for (Line l : lines) {
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"13\" x2=\"%.1f\" y2=\"13\" stroke=\"%s\" stroke-width=\"%s\"%s/>", x,
                    x + 28, l.color(), l.width(), l.dash().isEmpty() ? "" : " stroke-dasharray=\"" + l.dash() + "\""));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"17\" font-size=\"12\">%s</text>", x + 34, esc(l.name())));
            x += 34 + 7.5 * l.name().length() + 24;
        }
        sb.append("</g>");
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

    /** A page's start up to its title heading: the one inline style both pages share, and {@code style} of its own. */
    static void head(StringBuilder sb, String title, String style) {
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>").append(esc(title)).append("</title>\n<style>")
                .append("body{font-family:sans-serif;margin:24px;max-width:960px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:28px}")
                .append("table{border-collapse:collapse;width:100%}td,th{border:1px solid #bbb;padding:4px 8px;text-align:left;font-size:13px}")
                .append("svg{width:100%;height:auto;border:1px solid #ddd}p.note{font-size:12px;color:#555}").append(style)
                .append("@media print{body{margin:0}h2{page-break-after:avoid}svg{page-break-inside:avoid}}")
                .append("</style></head><body>\n<h1>").append(esc(title)).append("</h1>\n");
    }

    /** The colours of {@link #bandRows}, in words. */
    static final String BAND_COLOURS = "Mode: enforce green, reduce amber, halt black, shadow light blue. Zone: LOW green, MID amber, HIGH red."
            + " Regime: TREND blue, MEAN_REVERSION purple, CHOP grey, UNKNOWN white.";

    /**
     * Rows of coloured rectangles, one per bucket (a null value draws none), each row named at its left, 28 apart from
     * y = 8: the mode, zone and regime bands.
     */
    void bandRows(StringBuilder sb, String[] names, String[][] values) {
        double w = (double) (W - RIGHT - LEFT) / buckets;
        for (int r = 0; r < names.length; r++) {
            for (int i = 0; i < buckets; i++) {
                String v = values[r][i];
                if (v != null) {
                    sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.2f\" height=\"22\" fill=\"%s\">"
                            + "<title>%s %s</title></rect>", LEFT + i * w, 8 + r * 28, w + 0.2, color(v), esc(names[r]), esc(v)));
                }
            }
            sb.append("<text x=\"2\" y=\"").append(23 + r * 28).append("\" font-size=\"11\">").append(esc(names[r])).append("</text>");
        }
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

    /** Tick steps a time axis may use: 4 to 12 ticks over the window. */
    private static final long[] STEPS = {10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800};

    /** The time axis under a chart at {@code y}: ticks at round UTC times, labelled HH:mm (HH:mm:ss below a minute), the date where it changes. */
    void timeAxis(StringBuilder sb, double y) {
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

    static String compact(double v) {
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
