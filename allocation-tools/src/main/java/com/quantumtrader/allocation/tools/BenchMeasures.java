package com.quantumtrader.allocation.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;

/** What the bench measures of the JVM and of Redis: CPU, allocation, collections, RSS, Redis CPU and command time. */
final class BenchMeasures {

    private BenchMeasures() {
    }

    /** Bytes this thread has allocated so far (HotSpot's per-thread counter), 0 where the JVM has none. */
    static long allocatedBytes(java.lang.management.ThreadMXBean threads) {
        return threads instanceof com.sun.management.ThreadMXBean sun ? sun.getCurrentThreadAllocatedBytes() : 0;
    }

    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    /** {GC milliseconds, young collections, full collections} so far (full: a collector that is not the young one). */
    static long[] gc() {
        long[] out = new long[3];
        for (java.lang.management.GarbageCollectorMXBean b : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            out[0] += Math.max(0, b.getCollectionTime());
            if (young(b.getName())) {
                out[1] += Math.max(0, b.getCollectionCount());
            } else {
                out[2] += Math.max(0, b.getCollectionCount());
            }
        }
        return out;
    }

    static boolean young(String collector) {
        return collector.equals("Copy") || collector.contains("Young") || collector.equals("PS Scavenge") || collector.equals("ParNew");
    }

    static String gcNames() {
        List<String> names = new ArrayList<>();
        for (java.lang.management.GarbageCollectorMXBean b : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            names.add(b.getName() + (young(b.getName()) ? " young" : " full"));
        }
        return String.join(", ", names);
    }

    static void row(PrintWriter out, String phase, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
        long p99 = s[Math.min(s.length - 1, (int) Math.ceil(0.99 * s.length) - 1)];
        out.printf(Locale.ROOT, "%-9s %10.2f %10.2f%n", phase, median / 1e6, p99 / 1e6);
    }

    static String rss() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                    .map(l -> String.format(Locale.ROOT, "%.1f MB", Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0)).findFirst().orElse("?");
        } catch (IOException | RuntimeException e) {
            return "unknown (no /proc)";
        }
    }

    /** Seconds of CPU the servers have used (INFO CPU user + sys), summed over the nodes. */
    static double redisCpu(List<Jedis> nodes) {
        double total = 0;
        for (Jedis jedis : nodes) {
            for (String line : jedis.info("cpu").split("\r?\n")) {
                if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                    total += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        }
        return total;
    }

    /** Microseconds each command has used so far (INFO commandstats), summed over the nodes. */
    static Map<String, Double> commandUsec(List<Jedis> nodes) {
        Map<String, Double> out = new java.util.HashMap<>();
        for (Jedis jedis : nodes) {
            for (String line : jedis.info("commandstats").split("\r?\n")) {
                int usec = line.indexOf("usec=");
                if (line.startsWith("cmdstat_") && usec > 0) {
                    String cmd = line.substring("cmdstat_".length(), line.indexOf(':'));
                    double v = Double.parseDouble(line.substring(usec + 5, line.indexOf(',', usec)));
                    out.merge(cmd, v, Double::sum);
                }
            }
        }
        return out;
    }

    static boolean holdsQuantumKeys(Jedis jedis) {
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams params = new ScanParams().match("quantum:*").count(1000);
        do {
            var page = jedis.scan(cursor, params);
            if (!page.getResult().isEmpty()) {
                return true;
            }
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        return false;
    }

    /** Heap in use after a full collection (System.gc() under the serial and parallel collectors is one). */
    static long heapAfterGc() {
        System.gc();
        System.gc();
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
