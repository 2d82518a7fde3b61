package com.quantumtrader.allocation.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.ScopedControl;
import com.quantumtrader.allocation.redis.wire.ControlHash;
import com.quantumtrader.allocation.redis.wire.Decoded;
import com.quantumtrader.allocation.redis.wire.HeldControls;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.wire.ScopedControls;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** DESIGN section 25: a control that cannot be read keeps the one last read valid in force. */
class HeldControlsTest {

    static final Instant T = Instant.ofEpochSecond(1_767_225_600L);
    static final ControlHash HALT = ControlHash.set(Mode.HALT, "exchange outage", "alice", T);

    private static Decoded<ControlHash> read(String what) {
        return switch (what) {
            case "absent" -> new Decoded.Invalid<>(ControlHash.ABSENT);
            case "wrong-type" -> new Decoded.Invalid<>(ControlHash.WRONG_TYPE);
            case "enforce" -> new Decoded.Valid<>(ControlHash.set(Mode.ENFORCE, "go", "bob", T));
            default -> ControlHash.decode(Map.of("mode", what)); // a garbage word
        };
    }

    @ParameterizedTest(name = "held {0}, read {1} -> {2}")
    @CsvSource({
            // held  | read       | mode in force | unreadable
            "halt,     hlat,        halt,    true",
            "halt,     wrong-type,  halt,    true",
            "halt,     absent,      shadow,  false",
            "halt,     enforce,     enforce, false",
            "none,     hlat,        shadow,  true",
            "none,     wrong-type,  shadow,  true",
            "none,     absent,      shadow,  false",
    })
    void apply_controlHash_unreadableKeepsTheHeldModeAbsentForgetsIt(String held, String read, String mode, boolean unreadable) {
        HeldControls before = held.equals("halt") ? new HeldControls(Optional.of(HALT), Map.of()) : HeldControls.NONE;
        HeldControls.Applied a = before.apply(read(read), ScopedControls.NONE, Mode.SHADOW);
        assertEquals(com.quantumtrader.allocation.redis.wire.Values.mode(mode).orElseThrow(), a.mode());
        assertEquals(unreadable, a.unreadable().containsKey(Keys.CONTROL), a.unreadable().toString());
        Mode next = a.held().apply(read(read), ScopedControls.NONE, Mode.SHADOW).mode();
        assertEquals(a.mode(), next, "the next cycle with the same read keeps the same mode");
    }

    private static ScopedControl halt(String symbol) {
        return new ScopedControl(ScopedControl.Scope.SYMBOL, symbol, ScopedControl.Action.HALT, 1, "why", "alice", Optional.of(T),
                Optional.empty());
    }

    @Test
    void apply_scopedGarbageReplacingAValidEntry_keepsThatEntryDropsAClearedOneIgnoresNewGarbage() {
        HeldControls held = HeldControls.NONE.apply(read("absent"),
                ScopedControls.decode(Map.of("symbol:BTCUSDT", ScopedControls.encode(halt("BTCUSDT")),
                        "symbol:ETHUSDT", ScopedControls.encode(halt("ETHUSDT")))), Mode.ENFORCE).held();
        Map<String, String> now = new HashMap<>();
        now.put("symbol:BTCUSDT", "{\"action\":\"hlat\"}"); // typed over the valid halt
        now.put("symbol:DOGEUSDT", "garbage"); // never valid
        // ETHUSDT cleared
        HeldControls.Applied a = held.apply(read("absent"), ScopedControls.decode(now), Mode.ENFORCE);
        assertEquals(List.of(halt("BTCUSDT")), a.controls());
        assertTrue(a.unreadable().get(Keys.SCOPED_CONTROLS).contains("keeping the last read for symbol:BTCUSDT"), a.unreadable().toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"holds the wrong Redis type", "may not read it (NOPERM)", "holds 300000 fields, more than 10000"})
    void apply_scopedHashUnreadable_keepsEveryHeldControl(String why) {
        HeldControls held = new HeldControls(Optional.empty(), Map.of("symbol:BTCUSDT", halt("BTCUSDT"), "symbol:ETHUSDT", halt("ETHUSDT")));
        HeldControls.Applied a = held.apply(read("absent"), ScopedControls.unreadable(Keys.SCOPED_CONTROLS + ": " + why), Mode.ENFORCE);
        assertEquals(List.of(halt("BTCUSDT"), halt("ETHUSDT")), a.controls());
        assertEquals(held, a.held());
        assertTrue(a.unreadable().get(Keys.SCOPED_CONTROLS).startsWith(Keys.SCOPED_CONTROLS + ": " + why), a.unreadable().toString());
    }

    @Test
    void encodeDecode_roundTrip_andGarbageOrAbsentHoldsNothing() {
        HeldControls held = new HeldControls(Optional.of(HALT), Map.of("symbol:BTCUSDT", halt("BTCUSDT")));
        assertEquals(held, HeldControls.decode(held.encode()));
        assertEquals(HeldControls.NONE, HeldControls.decode(HeldControls.NONE.encode()));
        assertEquals(HeldControls.NONE, HeldControls.decode(Map.of()));
        assertEquals(HeldControls.NONE, HeldControls.decode(Map.of(HeldControls.CONTROL, "{oops", HeldControls.SCOPED, "[1]")));
    }
}
