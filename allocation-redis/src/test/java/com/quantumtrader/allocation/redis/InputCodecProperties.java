package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.wire.InputCodec;
import com.quantumtrader.allocation.redis.wire.RawInputs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.quantumtrader.allocation.core.Allocator;
import com.quantumtrader.allocation.core.CycleInputs;
import com.quantumtrader.allocation.core.CycleResult;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.core.Invariants;
import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.core.Regime;
import com.quantumtrader.allocation.core.Scalars;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The decoder against hostile strings: whatever Redis holds (garbage numbers, bad names, absent
 * fields, timestamps in any unit), decoding never throws, the invariants of DESIGN section 2 hold,
 * every number written back is a plain decimal Python reads to the same double, and the order Redis
 * returned keys in changes nothing.
 */
class InputCodecProperties {

    static final Instant NOW = Instant.ofEpochSecond(1_767_225_600L);
    private static final String[] CLUSTERS = {"c0", "c1", "c2", "c3", "UNKNOWN"};

    @Provide
    Arbitrary<RawInputs> hostileRaw() {
        return Arbitraries.randomValue(InputCodecProperties::hostile);
    }

    @Property(tries = 1000)
    void allocate_hostileStrings_neverThrowAndKeepInvariants(@ForAll("hostileRaw") RawInputs raw) {
        CycleInputs in = InputCodec.decode(raw);
        CycleResult r = Allocator.allocate(in, Policy.DEFAULTS, NOW);
        Invariants.assertInvariants(in, Policy.DEFAULTS, r);
        for (Decision d : r.decisions()) {
            for (double v : new double[] {d.targetUsd(), d.weight(), d.confidence(), d.regimeFactor(), d.clusterFactor(),
                    d.drawdownFactor(), d.performanceFactor(), d.baseBudgetUsd()}) {
                String text = Scalars.formatDecimal(v);
                assertEquals(v, Double.parseDouble(text), 0.0, text);
            }
        }
    }

    @Property(tries = 1000)
    void decode_anyKeyOrder_identicalOutput(@ForAll("hostileRaw") RawInputs raw) {
        RawInputs reversed = new RawInputs(reverse(raw.portfolio()), reverseHashes(raw.budgets()), reverse(raw.clusterMap()),
                reverseHashes(raw.clusters()), reverse(raw.regime()), raw.regimeEntryTime(), reverseHashes(raw.attributions()));
        assertEquals(Allocator.allocate(InputCodec.decode(raw), Policy.DEFAULTS, NOW),
                Allocator.allocate(InputCodec.decode(reversed), Policy.DEFAULTS, NOW));
    }

    private static <V> Map<String, V> reverse(Map<String, V> map) {
        List<String> keys = new ArrayList<>(map.keySet());
        Collections.sort(keys, Collections.reverseOrder());
        Map<String, V> out = new LinkedHashMap<>();
        keys.forEach(k -> out.put(k, map.get(k)));
        return out;
    }

    private static Map<String, Map<String, String>> reverseHashes(Map<String, Map<String, String>> map) {
        return reverse(map);
    }

    private static final String[] HOSTILE = {"", " ", "nan", "NaN", "inf", "-inf", "Infinity", "1e400", "-1e400", "abc", "0x10",
            "-5", "-0", "0", "1e308", "1.7976931348623157e308", "4.9e-324", "1e-300", "99999999999999999999999", "1,5", "\u0000",
            "\n12\n", "1767225600", "1767225600000", "1767225600000000", "-1767225600", "TREND", "trend", "CHOP", "SIDEWAYS",
            "mean_reversion", "0.5", "0.15", "0.05", "60", "1767225540", "1767225539.999"};
    private static final String[] NAMES = {"BTCUSDT", "ETH-PERP", "a.b_c", "", "bad:name", "cluster:x", "x y", "SYM*",
            "A".repeat(64), "A".repeat(65), "ÄÖ", "UNKNOWN", "c0", "c1"};

    static RawInputs hostile(Random rnd) {
        Map<String, Map<String, String>> budgets = new HashMap<>();
        Map<String, String> clusterMap = new HashMap<>();
        Map<String, Map<String, String>> clusters = new HashMap<>();
        Map<String, Map<String, String>> attributions = new HashMap<>();
        int n = rnd.nextInt(20);
        for (int i = 0; i < n; i++) {
            String symbol = rnd.nextInt(3) == 0 ? NAMES[rnd.nextInt(NAMES.length)] : "S" + i;
            budgets.put(symbol, hash(rnd, "budget_usd", "timestamp", "cluster_id"));
            if (rnd.nextBoolean()) {
                clusterMap.put(symbol, NAMES[rnd.nextInt(NAMES.length)]);
            }
            if (rnd.nextInt(4) == 0) {
                attributions.put(symbol, hash(rnd, "performance_factor", "ts_utc", "timestamp"));
            }
        }
        for (int i = 0; i < 4; i++) {
            clusters.put(NAMES[rnd.nextInt(NAMES.length)], hash(rnd, "stress", "alpha", "timestamp"));
        }
        Optional<Instant> entryTime = rnd.nextBoolean() ? Optional.of(NOW.minusSeconds(rnd.nextInt(120))) : Optional.empty();
        return new RawInputs(hash(rnd, "equity_usd", "drawdown", "timestamp", "ts_utc"), budgets, clusterMap, clusters,
                hash(rnd, "regime", "confidence", "timestamp"), entryTime, attributions);
    }

    /** A hash whose fields are each absent, hostile or plausible. */
    private static Map<String, String> hash(Random rnd, String... fields) {
        Map<String, String> h = new HashMap<>();
        for (String f : fields) {
            int roll = rnd.nextInt(4);
            if (roll == 0) {
                continue;
            }
            h.put(f, roll == 1 ? HOSTILE[rnd.nextInt(HOSTILE.length)] : plausible(rnd, f));
        }
        return h;
    }

    private static String plausible(Random rnd, String field) {
        switch (field) {
            case "timestamp":
            case "ts_utc":
                return Long.toString(NOW.getEpochSecond() - rnd.nextInt(90));
            case "regime":
                return Regime.values()[rnd.nextInt(3)].name();
            case "cluster_id":
                return CLUSTERS[rnd.nextInt(CLUSTERS.length)];
            default:
                return Double.toString(rnd.nextDouble() * Math.pow(10, rnd.nextInt(7)) - (rnd.nextInt(10) == 0 ? 1 : 0));
        }
    }
}
