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

    /** The sum of a metric's samples over every label value (a counter labelled by cause, say), in a registry. */
    static double sum(io.prometheus.client.CollectorRegistry registry, String name) {
        double total = 0;
        for (java.util.Enumeration<io.prometheus.client.Collector.MetricFamilySamples> e = registry.metricFamilySamples(); e.hasMoreElements(); ) {
            for (io.prometheus.client.Collector.MetricFamilySamples.Sample s : e.nextElement().samples) {
                if (s.name.equals(name)) {
                    total += s.value;
                }
            }
        }
        return total;
    }
}
