package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.client.CollectorRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HttpEndpointsTest {

    static HttpResponse<String> get(int port, String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void endpoints_port0_healthzAlwaysReadyzFollowsSupplierMetricsListsEveryName() throws Exception {
        CollectorRegistry registry = new CollectorRegistry(true);
        new Metrics(registry);
        AtomicBoolean ready = new AtomicBoolean(false);
        HttpEndpoints http = new HttpEndpoints("127.0.0.1", 0, registry, ready::get);
        try {
            assertTrue(http.port() > 0);
            assertEquals(200, get(http.port(), "/healthz").statusCode());
            HttpResponse<String> notReady = get(http.port(), "/readyz");
            assertEquals(503, notReady.statusCode());
            assertEquals("not ready: no computed cycle within 3 intervals\n", notReady.body());
            ready.set(true);
            assertEquals(200, get(http.port(), "/readyz").statusCode());
            HttpResponse<String> metrics = get(http.port(), "/metrics");
            assertEquals(200, metrics.statusCode());
            for (String name : new String[] {"p29_shadow_pass_total", "p29_regime_factor", "p29_drawdown_factor",
                    "p29_loop_duration_seconds_bucket{le=\"0.001\",}", "p29_loop_duration_seconds_bucket{le=\"2.0\",}",
                    "p29_cycles_total{outcome=\"failed\",}", "p29_redis_errors_total", "p29_last_success_timestamp_seconds", "p29_symbols"}) {
                assertTrue(metrics.body().contains(name), name);
            }
        } finally {
            http.close();
        }
    }
}
