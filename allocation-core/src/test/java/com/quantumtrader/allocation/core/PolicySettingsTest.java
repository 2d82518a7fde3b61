package com.quantumtrader.allocation.core;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Core's policy from its variables (formerly {@code Policy.fromEnv}): every message names the variable, the rule and the value. */
class PolicySettingsTest {

    @Test
    void parse_empty_isDefaults() {
        assertEquals(Policy.DEFAULTS, PolicyVariables.parse(Map.of()));
    }

    @Test
    void parse_of_roundTrips() {
        Policy p = PolicyVariables.parse(Map.of("MAX_SYMBOL_PCT", "0.25", "STALE_DATA_SEC", "30", "DD_FACTOR_HIGH", "0.1"));
        assertEquals(0.25, p.maxSymbolPct());
        assertEquals(Duration.ofSeconds(30), p.staleData());
        assertEquals(p, PolicyVariables.parse(PolicyVariables.of(p)));
        assertEquals(PolicyVariables.NAMES.size(), PolicyVariables.of(p).size());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "MAX_SYMBOL_PCT     | 1.5   | MAX_SYMBOL_PCT: must be in (0, 1], was 1.5",
            "MAX_SYMBOL_PCT     | 0     | MAX_SYMBOL_PCT: must be in (0, 1], was 0.0",
            "MAX_SYMBOL_PCT     | -0.1  | MAX_SYMBOL_PCT: must be in (0, 1], was -0.1",
            "MAX_SYMBOL_PCT     | abc   | MAX_SYMBOL_PCT: must be a finite decimal number, was 'abc'",
            "MAX_SYMBOL_PCT     | \"\"  | MAX_SYMBOL_PCT: must be a finite decimal number, was ''",
            "MAX_SYMBOL_PCT     | nan   | MAX_SYMBOL_PCT: must be a finite decimal number, was 'nan'",
            "MAX_CLUSTER_PCT    | 2     | MAX_CLUSTER_PCT: must be in (0, 1], was 2.0",
            "STALE_DATA_SEC     | 0     | STALE_DATA_SEC: must be in [1, 86400] seconds, was 0",
            "DD_HYSTERESIS      | 0.06  | DD_HYSTERESIS: must be in [0, DD_LOW_THRESHOLD] ([0, 0.05]), was 0.06",
            "DD_HYSTERESIS      | -0.01 | DD_HYSTERESIS: must be in [0, DD_LOW_THRESHOLD] ([0, 0.05]), was -0.01",
            "DD_RELAX_SEC       | 86401 | DD_RELAX_SEC: must be in [0, 86400] seconds, was 86401",
            "DD_RELAX_SEC       | 2.5   | DD_RELAX_SEC: must be a whole number of seconds in [0, 86400], was '2.5'",
            "STALE_DATA_SEC     | 86401 | STALE_DATA_SEC: must be in [1, 86400] seconds, was 86401",
            "STALE_DATA_SEC     | 1.5   | STALE_DATA_SEC: must be a whole number of seconds in [1, 86400], was '1.5'",
            "STALE_DATA_SEC     | -5    | STALE_DATA_SEC: must be a whole number of seconds in [1, 86400], was '-5'",
            "REGIME_FACTOR_TREND | 12   | REGIME_FACTOR_TREND: must be in [0, 5], was 12.0",
            "REGIME_FACTOR_MR   | -1    | REGIME_FACTOR_MR: must be in [0, 5], was -1.0",
            "REGIME_FACTOR_CHOP | inf   | REGIME_FACTOR_CHOP: must be a finite decimal number, was 'inf'",
            "DD_LOW_THRESHOLD   | 0.2   | DD_LOW_THRESHOLD: must be below DD_HIGH_THRESHOLD (0.15), was 0.2",
            "DD_LOW_THRESHOLD   | 0.15  | DD_LOW_THRESHOLD: must be below DD_HIGH_THRESHOLD (0.15), was 0.15",
            "DD_HIGH_THRESHOLD  | 1.01  | DD_HIGH_THRESHOLD: must be in [0, 1], was 1.01",
            "DD_FACTOR_LOW      | 0.5   | DD_FACTOR_MID: must be <= DD_FACTOR_LOW (0.5) so a deeper drawdown never raises a target, was 0.7",
            "DD_FACTOR_MID      | 1.1   | DD_FACTOR_MID: must be <= DD_FACTOR_LOW (1.0) so a deeper drawdown never raises a target, was 1.1",
            "DD_FACTOR_HIGH     | 0.8   | DD_FACTOR_HIGH: must be <= DD_FACTOR_MID (0.7) so a deeper drawdown never raises a target, was 0.8",
            "DD_FACTOR_HIGH     | -0.1  | DD_FACTOR_HIGH: must be in [0, 5], was -0.1",
            "CLUSTER_STRESS_MIN | 1.2   | CLUSTER_STRESS_MIN: must be <= CLUSTER_STRESS_MAX (1.0), was 1.2",
            "CLUSTER_STRESS_MAX | 0.2   | CLUSTER_STRESS_MIN: must be <= CLUSTER_STRESS_MAX (0.2), was 0.3",
            "CLUSTER_STRESS_MAX | 6     | CLUSTER_STRESS_MAX: must be in [0, 5], was 6.0",
    })
    void parse_badSetting_throwsNamingSettingRuleAndValue(String name, String value, String message) {
        Map<String, String> env = new HashMap<>();
        env.put(name, value);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PolicyVariables.parse(env));
        assertEquals(message, e.getMessage());
    }
}
