package com.quantumtrader.allocation.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;

/**
 * Another client of the same Redis, as the Governor is: a tight GET loop on its own connection, in a
 * JVM process of its own ({@link BenchProbe}, {@code -Xmx32m}), so its latencies show how long the
 * service's commands stall others, not the bench's own GC pauses.
 */
final class ProbeClient {
    record Result(long calls, double maxMillis, double p999Millis, double p99Millis) {
    }

    private final Process process;
    private final BufferedReader out;

    private ProbeClient(HostAndPort node) throws IOException {
        process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), BenchProbe.class.getName(), node.getHost(), Integer.toString(node.getPort()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        out = new BufferedReader(new java.io.InputStreamReader(process.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
        String ready = out.readLine();
        if (!"ready".equals(ready)) {
            process.destroyForcibly();
            throw new IllegalStateException("bench probe process did not start: " + ready);
        }
    }

    static ProbeClient start(HostAndPort node) throws IOException {
        return new ProbeClient(node);
    }

    Result stop() throws IOException, InterruptedException {
        process.getOutputStream().write('\n');
        process.getOutputStream().flush();
        String line = out.readLine();
        process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        if (line == null) {
            throw new IllegalStateException("bench probe process ended without a result");
        }
        String[] f = line.trim().split(" ");
        return new Result(Long.parseLong(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]));
    }
}
