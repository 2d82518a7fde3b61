/**
 * What the process tells Prometheus and the orchestrator: {@link com.quantumtrader.allocation.runner.metrics.Metrics}
 * (every {@code p29_*} series, updated by the cycle), the bounded per-symbol series, the cached exposition body, and
 * {@link com.quantumtrader.allocation.runner.metrics.HttpEndpoints} ({@code /metrics}, {@code /healthz},
 * {@code /readyz}). Uses {@code config} only.
 */
package com.quantumtrader.allocation.runner.metrics;
