package com.quantumtrader.allocation.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyTest {

    @Test
    void defaults_equalTheServiceDocument() {
        Policy p = Policy.DEFAULTS;
        assertEquals(0.40, p.maxSymbolPct());
        assertEquals(0.60, p.maxClusterPct());
        assertEquals(Duration.ofSeconds(60), p.staleData());
        assertEquals(1.2, p.regimeFactorTrend());
        assertEquals(1.0, p.regimeFactorMeanReversion());
        assertEquals(0.6, p.regimeFactorChop());
        assertEquals(0.05, p.ddLowThreshold());
        assertEquals(0.15, p.ddHighThreshold());
        assertEquals(1.0, p.ddFactorLow());
        assertEquals(0.7, p.ddFactorMid());
        assertEquals(0.4, p.ddFactorHigh());
        assertEquals(0.3, p.clusterStressMin());
        assertEquals(1.0, p.clusterStressMax());
    }

    @Test
    void constructor_staleDataBelowOneSecond_throws() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Policy(0.4, 0.6, Duration.ofMillis(500),
                1.2, 1, 0.6, 0.05, 0.15, 1, 0.7, 0.4, 0.3, 1, 0, Duration.ZERO));
        assertEquals("STALE_DATA_SEC: must be in [1, 86400] seconds, was PT0.5S", e.getMessage());
    }
}
