package com.quantumtrader.allocation.runner;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;
import redis.embedded.core.ExecutableProvider;

/**
 * A redis-server process a test owns, in any role (primary, replica, Sentinel, Cluster node): the
 * binary of the embedded-redis jar (so a machine with only a JDK runs these tests), its own config
 * file and log in the test's directory, stopped by SIGKILL and restarted on the same port.
 */
final class RedisProcess implements AutoCloseable {

    private static File binary;

    private final Path dir;
    private final String name;
    private final int port;
    private final boolean sentinel;
    private final List<String> settings;
    private Process process;

    private RedisProcess(Path dir, String name, int port, boolean sentinel, List<String> settings) {
        this.dir = dir;
        this.name = name;
        this.port = port;
        this.sentinel = sentinel;
        this.settings = List.copyOf(settings);
    }

    /** A data node on {@code port} with no persistence, plus {@code settings} (redis.conf lines). */
    static RedisProcess server(Path dir, String name, int port, String... settings) {
        RedisProcess p = new RedisProcess(dir, name, port, false, List.of(settings));
        p.start();
        return p;
    }

    /** A Sentinel on {@code port} with {@code settings} (sentinel.conf lines: monitor, timeouts). */
    static RedisProcess sentinel(Path dir, String name, int port, String... settings) {
        RedisProcess p = new RedisProcess(dir, name, port, true, List.of(settings));
        p.start();
        return p;
    }

    private static synchronized File binary() throws IOException {
        if (binary == null) {
            binary = ExecutableProvider.newJarResourceProvider().get();
            binary.setExecutable(true);
        }
        return binary;
    }

    /**
     * Starts (or restarts) the process and waits until it answers PING. A restarted server keeps its
     * config file, which a Sentinel or Cluster may have rewritten (a demoted primary comes back with
     * the same file; Sentinel then turns it into a replica).
     */
    void start() {
        try {
            Path conf = dir.resolve(name + ".conf");
            if (!Files.exists(conf)) {
                List<String> lines = new ArrayList<>(List.of("port " + port, "bind 127.0.0.1", "dir " + dir,
                        "logfile " + dir.resolve(name + ".log")));
                if (!sentinel) {
                    lines.addAll(List.of("save \"\"", "appendonly no"));
                }
                lines.addAll(settings);
                Files.write(conf, lines);
            }
            List<String> cmd = new ArrayList<>(List.of(binary().getAbsolutePath(), conf.toString()));
            if (sentinel) {
                cmd.add("--sentinel");
            }
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".out").toFile())).start();
            ServiceIT.await(name + " answers PING on port " + port, Duration.ofSeconds(20), () -> {
                try (Jedis j = client()) {
                    return "PONG".equals(j.ping());
                } catch (RuntimeException e) {
                    return false;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL: the process dies with no chance to say so (a crashed host, as far as anyone can tell). */
    void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    int port() {
        return port;
    }

    String name() {
        return name;
    }

    /** A plain client with short timeouts. */
    Jedis client() {
        return new Jedis("127.0.0.1", port, 2000);
    }

    /** The server's log so far (for a failure message). */
    String log() {
        try {
            Path f = dir.resolve(name + ".log");
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() {
        kill();
    }
}
