package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.wire.Decoded;
import com.quantumtrader.allocation.redis.wire.Fence;
import com.quantumtrader.allocation.redis.wire.StateHash;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.quantumtrader.allocation.core.CarryOver;
import com.quantumtrader.allocation.core.DrawdownZone;
import com.quantumtrader.allocation.core.Mode;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StateHashTest {

    static final Instant NOW = Instant.ofEpochSecond(1_767_225_600L);
    static final StateHash FULL = new StateHash(Optional.of(DrawdownZone.HIGH), Optional.of(NOW.minusSeconds(90)),
            Optional.of(Mode.SHADOW), "alloc-a", 7, NOW);

    @Test
    void encode_fullAndEmpty_roundTrip() {
        assertEquals(Map.of("drawdown_zone", "HIGH", "relax_since", "1767225510", "mode", "shadow", "instance", "alloc-a",
                "epoch", "7", "timestamp", "1767225600"), FULL.encode());
        assertEquals(new Decoded.Valid<>(FULL), StateHash.decode(FULL.encode()));
        StateHash empty = StateHash.of(CarryOver.START, new Fence("b", 1), NOW.plusMillis(900));
        assertEquals(Map.of("drawdown_zone", "", "relax_since", "", "mode", "", "instance", "b", "epoch", "1",
                "timestamp", "1767225600"), empty.encode());
        assertEquals(new Decoded.Valid<>(empty), StateHash.decode(empty.encode()));
    }

    @Test
    void applyTo_keepsWrittenTargets_takesZoneRelaxAndMode() {
        CarryOver mine = CarryOver.START.withWritten(Map.of("BTC", new CarryOver.WrittenTarget(5, NOW)));
        assertEquals(new CarryOver(FULL.zone(), FULL.relaxSince(), FULL.mode(), mine.written()), FULL.applyTo(mine));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "drawdown_zone | mid   | drawdown_zone: must be LOW, MID, HIGH or empty, was 'mid'",
            "relax_since   | 1.5   | relax_since: must be integer epoch seconds or empty, was '1.5'",
            "mode          | off   | mode: must be shadow, enforce, reduce or empty, was 'off'",
            "epoch         | 0     | epoch: must be a whole number >= 1, was '0'",
            "epoch         | NULL  | epoch: must be a whole number >= 1, was 'null'",
            "timestamp     | x     | timestamp: must be integer epoch seconds, was 'x'",
            "instance      | 'a b' | P29_INSTANCE_ID: must be 1-128 characters of [A-Za-z0-9._:-], was 'a b'",
    })
    void decode_oneBadField_invalidNamingFieldRuleAndValue(String field, String value, String reason) {
        Map<String, String> hash = new HashMap<>(FULL.encode());
        if (value == null) {
            hash.remove(field);
        } else {
            hash.put(field, value);
        }
        assertEquals(new Decoded.Invalid<StateHash>(reason), StateHash.decode(hash));
    }

    @Test
    void decode_emptyHash_absent() {
        assertEquals(new Decoded.Invalid<StateHash>("absent"), StateHash.decode(Map.of()));
    }
}
