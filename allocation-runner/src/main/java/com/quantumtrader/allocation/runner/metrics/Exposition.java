package com.quantumtrader.allocation.runner.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.zip.GZIPOutputStream;

/**
 * The {@code /metrics} body, rendered at most once per change of the service's metrics (a cycle)
 * and at most once per {@link #MAX_AGE_NANOS} for the JVM's, and gzipped once; every scrape in
 * between is served from the same two buffers. So a scrape costs a buffer copy to the socket and no
 * heap of its own, however many scrapers there are: concurrent scrapes of a stale body wait for the
 * one render in flight. The loop updates the metrics under the same lock ({@link #update}), so a
 * body always shows whole cycles.
 */
final class Exposition {

    /** The JVM's own metrics are at most this old in a served body. */
    static final long MAX_AGE_NANOS = 5_000_000_000L;

    /** A rendered body: the Prometheus text format 0.0.4 (the client's {@link PrometheusTextFormatWriter}), plain and gzipped. */
    record Body(long generation, long renderedNanos, byte[] plain, int plainLength, byte[] gzip, int gzipLength) {
    }

    private final PrometheusRegistry registry;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final LongSupplier nanoClock;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile long generation;
    private volatile Body body;
    private long renders; // guarded by lock

    Exposition(PrometheusRegistry registry, LongSupplier nanoClock) {
        this.registry = registry;
        this.nanoClock = nanoClock;
    }

    /** Runs {@code change} (an update of the metrics) so that no render sees half of it. */
    void update(Runnable change) {
        lock.lock();
        try {
            change.run();
            generation++;
        } finally {
            lock.unlock();
        }
    }

    /** The current body: the cached one while fresh, else rendered now (once, whoever else asks). */
    Body current() {
        Body b = body;
        if (fresh(b)) {
            return b;
        }
        lock.lock();
        try {
            b = body;
            if (!fresh(b)) {
                b = render(b);
                body = b;
            }
            return b;
        } finally {
            lock.unlock();
        }
    }

    private boolean fresh(Body b) {
        return b != null && b.generation() == generation && nanoClock.getAsLong() - b.renderedNanos() < MAX_AGE_NANOS;
    }

    /** Bodies rendered so far. */
    long renders() {
        lock.lock();
        try {
            return renders;
        } finally {
            lock.unlock();
        }
    }

    private Body render(Body previous) {
        renders++;
        long gen = generation;
        int hint = previous == null ? 64 * 1024 : previous.plainLength() + previous.plainLength() / 8;
        Buffer plain = new Buffer(hint);
        try {
            writer.write(plain, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Buffer gzip = new Buffer(Math.max(4096, plain.size() / 6));
        try (GZIPOutputStream out = new GZIPOutputStream(gzip, 16 * 1024)) {
            out.write(plain.array(), 0, plain.size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Body(gen, nanoClock.getAsLong(), plain.array(), plain.size(), gzip.array(), gzip.size());
    }

    /** A byte buffer whose array is handed out as is, without the copy of {@code toByteArray()}. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer(int size) {
            super(size);
        }

        byte[] array() {
            return buf;
        }
    }
}
