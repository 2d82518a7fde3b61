package com.quantumtrader.allocation.runner;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The HTTP side: {@code /metrics} (the {@link Exposition}'s shared body, gzipped when the client
 * accepts it), {@code /healthz} (200 while the process lives) and {@code /readyz} (200 when a
 * cycle computed targets within three intervals, else 503). Two threads, {@code metrics-http-N},
 * serve every client; a scrape allocates no body of its own.
 */
final class HttpEndpoints implements AutoCloseable {

    private static final int THREADS = 2;
    private static final int WRITE_SLICE = 16 * 1024;

    private final HttpServer server;
    private final ExecutorService executor;

    HttpEndpoints(String bind, int port, Exposition exposition, BooleanSupplier ready) throws IOException {
        this.server = HttpServer.create(new InetSocketAddress(bind, port), 64);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "metrics-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
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
    int port() {
        return server.getAddress().getPort();
    }

    private static void metrics(HttpExchange exchange, Exposition exposition) throws IOException {
        try (exchange) {
            Exposition.Body body = exposition.current();
            String accept = exchange.getRequestHeaders().getFirst("Accept-Encoding");
            boolean gzip = accept != null && accept.contains("gzip");
            byte[] bytes = gzip ? body.gzip() : body.plain();
            int length = gzip ? body.gzipLength() : body.plainLength();
            exchange.getResponseHeaders().set("Content-Type", TextFormat.CONTENT_TYPE_004);
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
