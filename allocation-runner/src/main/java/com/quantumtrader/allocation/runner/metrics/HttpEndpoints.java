package com.quantumtrader.allocation.runner.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The HTTP side: {@code /metrics} (the {@link Exposition}'s shared body, gzipped when the client
 * accepts it), {@code /healthz} (200 while the process lives) and {@code /readyz} (200 when a
 * cycle computed targets within three intervals, else 503). A scrape allocates no body of its own.
 *
 * <p>Slow clients (DESIGN section 25). The JDK's server reads a request's headers on a pool thread, so a client
 * sending a byte a second holds that thread: with the two threads of the third release, two such clients blocked
 * {@code /healthz} for as long as they liked, and a probe that times out restarts a healthy service. Now a request
 * must arrive whole within {@link #REQUEST_READ_SEC} (the JDK's {@code sun.net.httpserver.maxReqTime}; its timer
 * closes the connection, which frees the thread) and a response be taken within {@link #RESPONSE_SEC}; threads,
 * {@code metrics-http-N} with small stacks, are made on demand up to {@link #MAX_THREADS} and end after 30 s idle,
 * so hundreds of slow connections leave threads for the probe. A connection beyond that is closed at once.
 */
public final class HttpEndpoints implements AutoCloseable {

    /** Seconds a request's line and headers may take to arrive (a scraper's take well under a millisecond). */
    public static final int REQUEST_READ_SEC = 2;
    /** Seconds a response may take to be read (a 100,000-symbol body to a slow link). */
    static final int RESPONSE_SEC = 30;
    /** Threads at most: every connection in flight holds one. */
    public static final int MAX_THREADS = 256;
    private static final int CORE_THREADS = 2;
    /** Stack per thread: serving a request needs a few kilobytes. */
    private static final long STACK_BYTES = 256 * 1024;
    private static final int WRITE_SLICE = 16 * 1024;

    static {
        // Read once, when the JDK's server class loads: set before the first server is made. A -D on the command line wins.
        setIfAbsent("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_READ_SEC));
        setIfAbsent("sun.net.httpserver.maxRspTime", Integer.toString(RESPONSE_SEC));
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;

    public HttpEndpoints(String bind, int port, Exposition exposition, BooleanSupplier ready) throws IOException {
        this.server = HttpServer.create(new InetSocketAddress(bind, port), 64);
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(CORE_THREADS, MAX_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(null, r, "metrics-http-" + n.incrementAndGet(), STACK_BYTES);
            t.setDaemon(true);
            return t;
        }); // beyond MAX_THREADS the execute is refused and the JDK's dispatcher closes that connection
        server.setExecutor(executor);
        server.createContext("/healthz", exchange -> respond(exchange, 200, "ok\n"));
        server.createContext("/readyz", exchange -> {
            boolean ok = ready.getAsBoolean();
            respond(exchange, ok ? 200 : 503, ok ? "ready\n" : "not ready: no computed cycle within 3 intervals\n");
        });
        server.createContext("/metrics", exchange -> metrics(exchange, exposition));
        server.start();
    }

    /** The bound port (the real one when 0 was asked for). */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void metrics(HttpExchange exchange, Exposition exposition) throws IOException {
        try (exchange) {
            Exposition.Body body = exposition.current();
            String accept = exchange.getRequestHeaders().getFirst("Accept-Encoding");
            boolean gzip = accept != null && accept.contains("gzip");
            byte[] bytes = gzip ? body.gzip() : body.plain();
            int length = gzip ? body.gzipLength() : body.plainLength();
            exchange.getResponseHeaders().set("Content-Type", PrometheusTextFormatWriter.CONTENT_TYPE);
            if (gzip) {
                exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            }
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(200, head ? -1 : length);
            if (!head) {
                // In slices: the JDK server copies every write into a heap buffer of its size, so one
                // 3 MB write would cost 3 MB of heap (and a 3 MB direct buffer) per scrape in flight.
                OutputStream out = exchange.getResponseBody();
                for (int off = 0; off < length; off += WRITE_SLICE) {
                    out.write(bytes, off, Math.min(WRITE_SLICE, length - off));
                }
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
