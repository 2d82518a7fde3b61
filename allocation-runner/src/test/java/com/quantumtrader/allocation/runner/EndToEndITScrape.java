package com.quantumtrader.allocation.runner;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Scraping helpers shared by the process-level tests. */
final class EndToEndITScrape {
    private EndToEndITScrape() {
    }

    static String scrape(int port) {
        try {
            return HttpEndpointsTest.get(port, "/metrics").body();
        } catch (Exception e) {
            return "";
        }
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
}
