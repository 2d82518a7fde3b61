package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.wire.DecisionEntry;
import com.quantumtrader.allocation.redis.wire.Decoded;
import com.quantumtrader.allocation.redis.wire.RemovalEntry;
import com.quantumtrader.allocation.redis.wire.TargetHash;
import com.quantumtrader.allocation.redis.wire.Values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.quantumtrader.allocation.core.CapKind;
import com.quantumtrader.allocation.core.DataSource;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.core.DrawdownZone;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Regime;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TargetHashTest {

    static final Instant NOW = Instant.ofEpochSecond(1_767_225_600L, 750_000_000);
    static final Decision BTC = new Decision("BTCUSDT", "majors", 30_000, 12548.780117029388, 12548.780117029388,
            0.12548780117029387, Regime.TREND, 1.2, 0.8, DrawdownZone.MID, 0.7, 0.6224593312018546, CapKind.NONE, 0.95,
            List.of(DataSource.REGIME, DataSource.PERFORMANCE));

    @Test
    void encode_decision_contractFieldsInOrderWithIntegerTimestamps() {
        Map<String, String> f = TargetHash.of(BTC, NOW, Mode.ENFORCE).encode();
        assertEquals(List.of("target_usd", "weight", "cluster_id", "regime", "drawdown_zone", "confidence", "timestamp", "ts",
                "mode", "base_budget_usd", "regime_factor", "cluster_factor", "drawdown_factor", "performance_factor", "cap"),
                List.copyOf(f.keySet()));
        assertEquals("12548.780117029388", f.get("target_usd"));
        assertEquals("1767225600", f.get("timestamp"));
        assertEquals("1767225600", f.get("ts"));
        assertEquals("30000.0", f.get("base_budget_usd"));
        assertEquals("enforce", f.get("mode"));
    }

    @Test
    void decode_encoded_roundTripsExactly() {
        TargetHash t = TargetHash.of(BTC, NOW, Mode.SHADOW);
        assertEquals(new Decoded.Valid<>(t), TargetHash.decode(t.encode()));
        DecisionEntry e = DecisionEntry.of(BTC, NOW, Mode.SHADOW, "c-9", com.quantumtrader.allocation.core.WritePlan.Change.CHANGED);
        assertEquals("regime,performance", e.encode().get("fallbacks"));
        assertEquals(new Decoded.Valid<>(e), DecisionEntry.decode(e.encode()));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "target_usd | -1    | target_usd: must be finite and >= 0, was -1.0",
            "target_usd | nan   | target_usd: must be a finite decimal number, was 'nan'",
            "weight     | NULL  | weight: must be a finite decimal number, was 'null'",
            "timestamp  | 1.5   | timestamp: must be integer epoch seconds, was '1.5'",
            "ts         | 1     | ts: must be equal to timestamp 1767225600, was '1'",
            "mode       | ENFORCE | mode: must be shadow or enforce, was 'ENFORCE'",
            "regime     | trend | regime: must be TREND, MEAN_REVERSION, CHOP or UNKNOWN, was 'trend'",
            "drawdown_zone | NULL | drawdown_zone: must be LOW, MID or HIGH, was 'null'",
            "cap        | max   | cap: must be none, symbol, cluster, reduce, gross, halt, scale or ramp, was 'max'",
            "cluster_id | a b   | cluster_id: must be 1-64 characters of [A-Za-z0-9._-], was 'a b'",
            "confidence | 2     | confidence: must be in [0, 1], was 2.0",
    })
    void decode_oneBadField_invalidNamingFieldRuleAndValue(String field, String value, String reason) {
        Map<String, String> hash = new HashMap<>(TargetHash.of(BTC, NOW, Mode.ENFORCE).encode());
        if (value == null) {
            hash.remove(field);
        } else {
            hash.put(field, value);
        }
        assertEquals(new Decoded.Invalid<TargetHash>(reason), TargetHash.decode(hash));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "fallbacks | NULL          | fallbacks: must be present (empty when none), was missing",
            "fallbacks | regime,nope   | fallbacks: must be a comma list of data sources, was 'regime,nope'",
            "fallbacks | regime,       | fallbacks: must be a comma list of data sources, was 'regime,'",
            "symbol    | bad:name      | symbol: must be 1-64 characters of [A-Za-z0-9._-], was 'bad:name'",
            "cycle_id  | NULL          | cycle_id: must not be empty, was 'null'",
            "change    | NULL          | change: must be new or changed, was 'null'",
            "change    | refresh       | change: must be new or changed, was 'refresh'",
    })
    void decodeEntry_oneBadField_invalidNamingFieldRuleAndValue(String field, String value, String reason) {
        Map<String, String> fields = new HashMap<>(DecisionEntry.of(BTC, NOW, Mode.ENFORCE, "c-1", com.quantumtrader.allocation.core.WritePlan.Change.NEW).encode());
        if (value == null) {
            fields.remove(field);
        } else {
            fields.put(field, value);
        }
        assertEquals(new Decoded.Invalid<DecisionEntry>(reason), DecisionEntry.decode(fields));
    }

    @Test
    void orElseThrow_invalid_throwsWithReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TargetHash.decode(Map.of()).orElseThrow());
        assertEquals("timestamp: must be integer epoch seconds, was 'null'", e.getMessage());
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {"NULL", "''", "-1", "1e9", "' 1'", "1234567890123"})
    void epochSeconds_notDigitsOnly_isEmpty(String text) {
        assertEquals(java.util.OptionalLong.empty(), Values.epochSeconds(text));
    }

    @Test
    void removalEntry_roundTrip_andWrongChangeInvalid() {
        RemovalEntry e = new RemovalEntry("BTCUSDT", "c-3", NOW, Mode.REDUCE);
        assertEquals(Map.of("symbol", "BTCUSDT", "cycle_id", "c-3", "change", "removed", "timestamp", Long.toString(NOW.getEpochSecond()),
                "ts", Long.toString(NOW.getEpochSecond()), "mode", "reduce"), e.encode());
        assertEquals(new Decoded.Valid<>(e), RemovalEntry.decode(e.encode()));
        Map<String, String> f = new HashMap<>(e.encode());
        f.put("change", "new");
        assertEquals(new Decoded.Invalid<RemovalEntry>("change: must be removed, was 'new'"), RemovalEntry.decode(f));
    }
}
