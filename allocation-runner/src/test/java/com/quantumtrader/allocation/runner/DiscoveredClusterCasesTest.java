package com.quantumtrader.allocation.runner;

import com.quantumtrader.allocation.redis.wire.InputCodec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.quantumtrader.allocation.runner.config.PolicySettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.quantumtrader.allocation.core.Allocator;
import com.quantumtrader.allocation.core.CycleResult;
import com.quantumtrader.allocation.core.Policy;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden-style cases of the live stack's discovered clusters (DESIGN section 15), in
 * {@code src/test/resources/discovered/}: the Redis strings decoded by {@link InputCodec}, allocated by core, checked
 * field by field like the golden cases, and also the exact rejections (in order) and the fallbacks taken.
 *
 * <p>Every case: now = 1767225600, equity 100,000, drawdown 0 (LOW, factor 1.0), regime TREND confidence 1.0 fresh
 * (factor 1.2, quality 1), the default policy (symbol cap 40,000, cluster cap 60,000, cluster factor =
 * clamp(1 - stress, 0.3, 1.0), STALE_DATA_SEC 60), budgets 1 s old. A discovered cluster's state has no alpha, so
 * without an attribution its members' performance factor is 1.0 with quality 0 (fallback {@code missing}).
 * Confidence = (budget 1 + regime 1 + cluster q + performance q) / 4.
 *
 * <pre>
 * 01 discovered map only
 *    cluster_0 (BTC, ETH) stress 0.5 -> factor 0.5; cluster_1 (SOL, DOGE) stress 0.0 -> factor 1.0
 *    BTC, ETH: 10,000 x 1.2 x 0.5 x 1.0 x 1.0 = 6,000 each; cluster_0 = 12,000 <= 60,000: cap none; conf (1+1+1+0)/4 = 0.75
 *    SOL, DOGE: 30,000 x 1.2 x 1.0 = 36,000 each (< 40,000); cluster_1 = 72,000 > 60,000: x 60/72 = 30,000 each, cap cluster
 *    (with every symbol in UNKNOWN, as before section 15, all four would be one cluster of 84,000)
 * 02 config hash wins over discovered
 *    BTC: map says majors (stress 0.2 -> 0.8, alpha 0 -> sigmoid 0.5): 10,000 x 1.2 x 0.8 x 0.5 = 4,800, conf 4/4 = 1.0
 *    ETH: budget says memes, discovered cluster_0 (0.5) comes first: 10,000 x 1.2 x 0.5 = 6,000, conf 0.75
 *    XRP: in no discovered cluster: budget's payments, no stress hash -> 1.0 (cluster missing): 12,000, conf (1+1+0+0)/4 = 0.5
 * 03 stale and missing state not used
 *    cluster_0 state 3,600 s old (stale): BTC falls to its budget's majors: 4,800 as in 02, conf 1.0
 *    cluster_3 has no state: ETH falls to UNKNOWN (no stress: missing): 12,000, conf 0.5
 *    cluster_5 state 30 s old, stress 0.25 -> 0.75: SOL 10,000 x 1.2 x 0.75 = 9,000, conf 0.75. No rejection: a lingering
 *    cluster is the service's normal output, not bad input.
 * 04 symbol in two fresh clusters
 *    ETH in cluster_0 (updated now-10) and cluster_1 (now-5): cluster_1 (later) takes it, factor 1.0: 12,000; rejection
 *    cluster_map/conflict/ETHUSDT. XRP in cluster_2 and cluster_3, both now-5: smaller id cluster_2 (0.3 -> 0.7): 8,400;
 *    rejection cluster_map/conflict/XRPUSDT. BTC cluster_0: 6,000; SOL cluster_1: 12,000. All conf 0.75.
 * 05 garbage discovered values (sorted by id: "bad id!" sorts before "c_")
 *    "bad id!" -> bad_name; c_a "[\"BTCUSDT\"" (unterminated), c_b "{}", c_c "42", c_d "[1, 2]" -> invalid_value each;
 *    c_e ["ETHUSDT", "bad name!"] -> bad_name for the member alone, ETH still in c_e (0.5): 6,000, conf 0.75.
 *    BTC (in c_a) and SOL (in "bad id!") fall to UNKNOWN: 12,000 each (UNKNOWN 24,000 < 60,000), conf 0.5.
 * 06 stress from cluster_state, alpha absent
 *    cluster_0 no stress hash, state stress 0.4 -> 0.6: BTC 10,000 x 1.2 x 0.6 x 1.0 = 7,200, conf 0.75 (performance
 *    missing); ETH has a fresh attribution 0.9: 10,000 x 1.2 x 0.6 x 0.9 = 6,480, conf 1.0.
 *    cluster_1 has a stress hash (0.1, alpha 0) and a state (0.9): the hash wins: SOL 10,000 x 1.2 x 0.9 x 0.5 = 5,400, conf 1.0.
 *    cluster_2 state stress "high": rejected (cluster/invalid_value); cluster and performance fall back invalid: XRP 12,000, conf 0.5.
 * </pre>
 */
class DiscoveredClusterCasesTest {

    static Stream<Path> cases() throws IOException, URISyntaxException {
        return GoldenCasesTest.cases("/discovered");
    }

    @Test
    void cases_allSixArePresent() throws Exception {
        assertEquals(6, cases().count(), "discovered-cluster cases in test resources");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void allocate_discoveredClusterCase_reproducesTargetsRejectionsAndFallbacks(Path file) throws IOException {
        JsonNode root = GoldenCasesTest.read(file);
        Instant now = Instant.ofEpochSecond(root.get("now").asLong());

        CycleResult result = Allocator.allocate(InputCodec.decode(GoldenCasesTest.rawInputs(root)), PolicySettings.parse(Map.of()), now);

        GoldenCasesTest.assertExpected(root, result);
        JsonNode expected = root.get("expected");
        assertEquals(texts(expected.get("rejections")),
                result.rejections().stream().map(r -> r.source().wireName() + "/" + r.reason().wireName() + "/" + r.subject()).toList(),
                "rejections, in order");
        assertEquals(texts(expected.get("fallbacks")),
                result.fallbacks().stream().map(f -> f.source().wireName() + "/" + f.reason().wireName() + "/" + f.subject()).sorted().toList(),
                "fallbacks, sorted");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
