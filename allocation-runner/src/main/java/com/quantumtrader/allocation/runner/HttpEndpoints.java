package com.quantumtrader.allocation.runner;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * The HTTP side: {@code /metrics} (simpleclient HTTPServer), {@code /healthz} (200 while the process
 * lives) and {@code /readyz} (200 when a cycle computed targets within three intervals, else 503).
 * Its threads are simpleclient's, named {@code prometheus-http-*}.
 */
final class HttpEndpoints implements AutoCloseable {

    private final HTTPServer server;

    HttpEndpoints(String bind, int port, CollectorRegistry registry, BooleanSupplier ready) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(bind, port), 16);
        http.createContext("/healthz", exchange -> respond(exchange, 200, "ok\n"));
        http.createContext("/readyz", exchange -> {
            boolean ok = ready.getAsBoolean();
            respond(exchange, ok ? 200 : 503, ok ? "ready\n" : "not ready: no computed cycle within 3 intervals\n");
        });
        this.server = new HTTPServer.Builder().withHttpServer(http).withRegistry(registry).withDaemonThreads(true).build();
    }

    /** The bound port (the real one when 0 was asked for). */
    int port() {
        return server.getPort();
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
        server.close();
    }
}
