package com.quantumtrader.allocation.runner;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Scraping helpers shared by the process-level tests. */
public final class MetricsScrape {
    private MetricsScrape() {
    }

    /** A GET on loopback with short timeouts. */
    public static java.net.http.HttpResponse<String> get(int port, String path) throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(2)).build();
        return client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                .timeout(java.time.Duration.ofSeconds(5)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    static String scrape(int port) {
        try {
            return get(port, "/metrics").body();
        } catch (Exception e) {
            return "";
        }
    }

    /** The value of one exact series ({@code name{labels}}) in a scrape, NaN when absent. */
    static double metric(String body, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** The value of {@code name} with one label set to {@code value} (however the exposition writes the braces), NaN when absent. */
    static double metric(String body, String name, String label, String value) {
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "\\{(?:[^}]*,)?" + Pattern.quote(label + "=\"" + value + "\"")
                + ",?\\} ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** Sum of p29_cycles_total over its outcomes. */
    static double cycles(String body) {
        Matcher m = Pattern.compile("^p29_cycles_total\\{[^}]*\\} ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(body);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    /** The registry's body in the text format, as a scrape sees it (without the exposition's cache). */
    public static String text(io.prometheus.metrics.model.registry.PrometheusRegistry registry) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /**
     * The value of the sample {@code name} whose labels are exactly {@code labels} = {@code values} (none: no labels), null
     * when there is none: what simpleclient's {@code PrometheusRegistry.getSampleValue} answered, read from the text.
     */
    public static Double sample(io.prometheus.metrics.model.registry.PrometheusRegistry registry, String name, String[] labels, String[] values) {
        java.util.Map<String, String> want = new java.util.HashMap<>();
        for (int i = 0; i < labels.length; i++) {
            want.put(labels[i], values[i]);
        }
        for (Matcher m : (Iterable<Matcher>) samples(registry, name)::iterator) {
            java.util.Map<String, String> have = new java.util.HashMap<>();
            Matcher l = LABEL.matcher(m.group(2) == null ? "" : m.group(2));
            while (l.find()) {
                have.put(l.group(1), l.group(2));
            }
            if (have.equals(want)) {
                return Double.parseDouble(m.group(3));
            }
        }
        return null;
    }

    /** {@link #sample(io.prometheus.metrics.model.registry.PrometheusRegistry, String, String[], String[])} of a sample without labels. */
    public static Double sample(io.prometheus.metrics.model.registry.PrometheusRegistry registry, String name) {
        return sample(registry, name, new String[0], new String[0]);
    }

    /** The samples of {@code name} in a registry's text, one matcher each (group 2: labels, group 3: value). */
    private static java.util.stream.Stream<Matcher> samples(io.prometheus.metrics.model.registry.PrometheusRegistry registry, String name) {
        return text(registry).lines().map(SAMPLE::matcher).filter(m -> m.matches() && m.group(1).equals(name));
    }

    /** The sum of a metric's samples over every label value (a counter labelled by cause, say), in a registry. */
    static double sum(io.prometheus.metrics.model.registry.PrometheusRegistry registry, String name) {
        return samples(registry, name).mapToDouble(m -> Double.parseDouble(m.group(3))).sum();
    }

    /** How many samples of {@code name} a registry holds. */
    static long count(io.prometheus.metrics.model.registry.PrometheusRegistry registry, String name) {
        return samples(registry, name).count();
    }
}
