package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.wire.Beat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BeatTest {

    @Test
    void encode_decode_roundTripsToTheMillisecond() {
        Beat b = new Beat(Beat.Outcome.COMPUTED, Instant.ofEpochMilli(1_764_650_000_123L), false);
        assertEquals("computed|1764650000123|standby", b.encode());
        assertEquals(Optional.of(b), Beat.decode(b.encode()));
        Beat leader = new Beat(Beat.Outcome.SKIPPED, Instant.ofEpochMilli(5), true);
        assertEquals(Optional.of(leader), Beat.decode("skipped|5|leader"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "computed", "computed|1|", "computed||standby", "COMPUTED|1|standby", "computed|-1|standby",
            "computed|1.5|standby", "computed|1|boss", "computed|1|standby|x", "computed|1234567890123456|standby"})
    void decode_notABeat_isEmpty(String value) {
        assertEquals(Optional.empty(), Beat.decode(value));
    }
}
