package com.quantumtrader.allocation.runner.metrics;

import com.quantumtrader.allocation.runner.MetricsScrape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.runner.config.BuildInfo;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.core.metrics.Counter;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class HttpEndpointsTest {

    private static HttpResponse<byte[]> getGzip(HttpClient client, int port) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).header("Accept-Encoding", "gzip")
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void endpoints_port0_healthzAlwaysReadyzFollowsSupplierMetricsListsEveryName() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        AtomicBoolean ready = new AtomicBoolean(false);
        HttpEndpoints http = new HttpEndpoints("127.0.0.1", 0, new Metrics(registry).exposition, ready::get);
        try {
            assertTrue(http.port() > 0);
            assertEquals(200, MetricsScrape.get(http.port(), "/healthz").statusCode());
            HttpResponse<String> notReady = MetricsScrape.get(http.port(), "/readyz");
            assertEquals(503, notReady.statusCode());
            assertEquals("not ready: no computed cycle within 3 intervals\n", notReady.body());
            ready.set(true);
            assertEquals(200, MetricsScrape.get(http.port(), "/readyz").statusCode());
            HttpResponse<String> metrics = MetricsScrape.get(http.port(), "/metrics");
            assertEquals(200, metrics.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", metrics.headers().firstValue("Content-Type").orElse(""));
            for (String name : new String[] {"p29_shadow_pass_total", "p29_regime_factor", "p29_drawdown_factor",
                    "p29_loop_duration_seconds_bucket{le=\"0.001\"}", "p29_loop_duration_seconds_bucket{le=\"2.0\"}",
                    "p29_cycles_total{outcome=\"failed\"}", "p29_redis_errors_total", "p29_last_success_timestamp_seconds",
                    "p29_last_target_timestamp_seconds", "p29_symbols"}) {
                assertTrue(metrics.body().contains(name), name);
            }
            assertTrue(metrics.body().contains("p29_build_info{commit=\"" + BuildInfo.CURRENT.commit() + "\",version=\""
                    + BuildInfo.CURRENT.version() + "\"} 1.0"), metrics.body()); // the 1.x client sorts the labels
        } finally {
            http.close();
        }
    }

    @Test
    void metrics_parallelScrapesWithGzip_oneRenderSharedAndTheSameBodyAsPlain() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        Metrics metrics = new Metrics(registry);
        HttpEndpoints http = new HttpEndpoints("127.0.0.1", 0, metrics.exposition, () -> true);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            List<CompletableFuture<HttpResponse<byte[]>>> scrapes = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                scrapes.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return getGzip(client, http.port());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            List<byte[]> bodies = new ArrayList<>();
            for (CompletableFuture<HttpResponse<byte[]>> f : scrapes) {
                HttpResponse<byte[]> r = f.get();
                assertEquals(200, r.statusCode());
                assertEquals("gzip", r.headers().firstValue("Content-Encoding").orElse(""));
                bodies.add(r.body());
            }
            for (byte[] b : bodies) {
                assertArrayEquals(bodies.get(0), b, "every scrape gets the same bytes");
            }
            assertEquals(1, metrics.exposition.renders(), "16 parallel scrapes, one render");
            String plain = MetricsScrape.get(http.port(), "/metrics").body();
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bodies.get(0)))) {
                assertEquals(plain, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } finally {
            http.close();
        }
    }

    /**
     * DESIGN section 25: 200 clients sending their headers a byte at a time hold no thread the probe needs; each is cut
     * after {@link HttpEndpoints#REQUEST_READ_SEC}. (With the third release's two threads, two such clients blocked
     * {@code /healthz} for as long as they stayed.)
     */
    @Test
    void endpoints_200SlowClients_healthzAndMetricsStillAnswerWithinASecond_slowOnesCut() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        HttpEndpoints http = new HttpEndpoints("127.0.0.1", 0, new Metrics(registry).exposition, () -> true);
        List<java.net.Socket> slow = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread dripper = new Thread(() -> {
            while (!stop.get()) {
                for (java.net.Socket s : slow) {
                    try {
                        s.getOutputStream().write('x'); // never a complete header line
                    } catch (java.io.IOException e) {
                        // cut by the server: what should happen
                    }
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "slow-client-drip");
        try {
            for (int i = 0; i < 200; i++) {
                java.net.Socket s = new java.net.Socket("127.0.0.1", http.port());
                s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                slow.add(s);
            }
            dripper.start();
            Thread.sleep(300); // every slow request has reached a thread
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            long worst = 0;
            for (String path : new String[] {"/healthz", "/metrics", "/healthz", "/readyz"}) {
                long t0 = System.nanoTime();
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                worst = Math.max(worst, System.nanoTime() - t0);
                assertEquals(200, r.statusCode(), path);
            }
            System.out.printf("200 slow clients: worst of 4 probe requests %.1f ms%n", worst / 1e6);
            // Each slow request is cut within its read time plus the JDK timer's second: the server closes the socket.
            slow.get(0).setSoTimeout((HttpEndpoints.REQUEST_READ_SEC + 3) * 1000);
            assertEquals(-1, slow.get(0).getInputStream().read(), "the server closed the slow request");
        } finally {
            stop.set(true);
            dripper.interrupt();
            for (java.net.Socket s : slow) {
                s.close();
            }
            http.close();
        }
    }

    /** DESIGN section 25: per-symbol series for the largest targets only, so a scrape's body is bounded at any universe size. */
    @Test
    void metrics_universeBeyondTheCap_perSymbolSeriesOfTheLargestTargetsOnly_bodyBounded() {
        Instant now = Instant.ofEpochSecond(1_767_225_600L);
        List<com.quantumtrader.allocation.core.SymbolBudget> budgets = new ArrayList<>();
        int n = SymbolSeries.MAX_SYMBOLS * 20;
        for (int i = 0; i < n; i++) {
            budgets.add(new com.quantumtrader.allocation.core.SymbolBudget(String.format("S%05d", i), 1 + i, now.minusSeconds(1)));
        }
        com.quantumtrader.allocation.core.CycleResult result = com.quantumtrader.allocation.core.Allocator.allocate(
                new com.quantumtrader.allocation.core.CycleInputs(Optional.of(new com.quantumtrader.allocation.core.PortfolioState(1e12, 0,
                        now.minusSeconds(1))), budgets, Map.of(), Map.of(), Optional.empty(), Map.of(), List.of()),
                com.quantumtrader.allocation.core.Policy.DEFAULTS, now);
        PrometheusRegistry registry = new PrometheusRegistry();
        Metrics metrics = new Metrics(registry);
        metrics.completed(result, com.quantumtrader.allocation.core.Mode.ENFORCE, true, 0, 0.1);
        Exposition.Body body = metrics.exposition.current();
        String text = new String(body.plain(), 0, body.plainLength(), StandardCharsets.UTF_8);
        assertEquals(SymbolSeries.MAX_SYMBOLS, text.lines().filter(l -> l.startsWith("p29_target_usd{")).count());
        assertTrue(text.contains("p29_target_usd{symbol=\"S" + String.format("%05d", n - 1) + "\"}"), "the largest is published");
        assertTrue(text.contains("p29_target_usd{symbol=\"S" + String.format("%05d", n - SymbolSeries.MAX_SYMBOLS) + "\"}"));
        assertTrue(!text.contains("p29_target_usd{symbol=\"S" + String.format("%05d", n - SymbolSeries.MAX_SYMBOLS - 1) + "\"}"));
        assertEquals(n - SymbolSeries.MAX_SYMBOLS, MetricsScrape.sample(registry, "p29_symbol_series_left_out"), 0.0);
        assertTrue(body.plainLength() < 400_000, "body " + body.plainLength() + " bytes for " + n + " symbols");
    }

    @Test
    void exposition_cachedUntilAnUpdateOrMaxAge_thenRenderedAgain() {
        PrometheusRegistry registry = new PrometheusRegistry();
        Counter c = Counter.builder().name("x_total").help("x").register(registry);
        AtomicLong nanos = new AtomicLong();
        Exposition exposition = new Exposition(registry, nanos::get);
        Exposition.Body first = exposition.current();
        assertSame(first, exposition.current(), "no change: the same body");
        exposition.update(c::inc);
        Exposition.Body second = exposition.current();
        assertNotSame(first, second);
        assertTrue(new String(second.plain(), 0, second.plainLength(), StandardCharsets.UTF_8).contains("x_total 1.0"));
        nanos.addAndGet(Exposition.MAX_AGE_NANOS - 1);
        assertSame(second, exposition.current(), "younger than the max age: the same body");
        nanos.addAndGet(1);
        assertNotSame(second, exposition.current(), "as old as the max age: rendered again (the JVM's metrics move)");
        assertEquals(3, exposition.renders());
    }
}
