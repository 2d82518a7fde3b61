package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.core.PolicyVariables;
import com.quantumtrader.allocation.redis.TestRedis;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.wire.InputHashes;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.runner.cycle.CycleRunner;
import com.quantumtrader.allocation.runner.report.Recorder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

/**
 * {@code whatif} as a desk runs it (the jar, a process) over recordings a leader made on real Redis (DESIGN section 24):
 * an hour of cycles 300 s apart, the drawdown rising into MID and back, recorded by the recorder; replayed under the
 * policy in force it gives the leader's own books, and a candidate with a lower gross cap, a lower MID threshold, the same
 * policy, an unknown or invalid variable and an empty window each get what they should.
 */
class WhatIfIT {

    /** Inputs seeded once stay fresh over the recorded hour; the majors' cluster cap binds, a gross cap of 1.0 does not. */
    static final Policy POLICY = PolicyVariables.parse(Map.of("STALE_DATA_SEC", "7200", "MAX_GROSS_PCT", "1.0"));
    static final double[] DRAWDOWN = {0.01, 0.02, 0.03, 0.04, 0.06, 0.07, 0.08, 0.07, 0.05, 0.03, 0.02, 0.01};

    @TempDir
    static Path dir;
    static Path record;
    static Instant first;
    /** The leader's book at each recorded cycle. */
    static final List<Double> books = new ArrayList<>();

    @BeforeAll
    static void recordAnHour() throws Exception {
        TestRedis redis = TestRedis.shared();
        redis.flush();
        record = dir.resolve("record");
        try (Jedis j = redis.client();
             Harness h = new Harness(new RedisConnection(redis.endpoint()), Mode.ENFORCE, POLICY);
             Recorder recorder = new Recorder(record, Duration.ofSeconds(300), Duration.ofDays(7), POLICY, () -> { })) {
            first = Instant.ofEpochSecond(Long.parseLong(j.time().get(0)));
            String ts = Long.toString(first.getEpochSecond());
            for (String[] b : new String[][] {{"BTCUSDT", "30000", "majors"}, {"ETHUSDT", "40000", "majors"}, {"SOLUSDT", "20000", "alts"},
                    {"DOGEUSDT", "10000", "alts"}}) {
                j.hset(Keys.budget(b[0]), InputHashes.budget(b[1], ts));
                j.hset(Keys.CLUSTER_MAP, b[0], b[2]);
            }
            j.xadd(Keys.REGIME_STREAM, StreamEntryID.NEW_ENTRY, Map.of("regime", "TREND", "confidence", "0.8", "timestamp", ts));
            h.runner.recordingInto(recorder);
            for (int k = 0; k < DRAWDOWN.length; k++) {
                Instant t = first.plusSeconds(300L * k);
                j.hset(Keys.PORTFOLIO, InputHashes.portfolio("100000", Double.toString(DRAWDOWN[k]), Long.toString(t.getEpochSecond())));
                CycleRunner.Report report = h.runner.run(t);
                books.add(report.result().orElseThrow().decisions().stream().mapToDouble(Decision::targetUsd).sum());
                recorder.flush(Duration.ofSeconds(10)); // written before the next cycle is due, as 300 s apart would have it
            }
        }
    }


    private static String whatif(int exit, String candidate, String... more) throws Exception {
        Path policy = Files.writeString(Files.createTempFile(dir, "candidate", ".env"), candidate);
        List<String> args = new ArrayList<>(List.of("whatif", "--policy", policy.toString()));
        args.addAll(List.of(more));
        if (!args.contains("--from")) {
            args.addAll(List.of("--from", record.toString()));
        }
        if (!args.contains("--until")) {
            args.addAll(List.of("--until", first.plusSeconds(3600).toString()));
        }
        Process p = EndToEndIT.jar(args.toArray(String[]::new)).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(exit, p.exitValue(), out);
        return out;
    }

    private static JsonNode json(String out) throws Exception {
        return new ObjectMapper().readTree(out.substring(out.indexOf('{'), out.lastIndexOf('}') + 1));
    }

    @Test
    void whatif_lowerGrossCap_inForceIsTheLeadersBookCandidateHeldAtItsCap() throws Exception {
        Path page = dir.resolve("whatif.html");
        JsonNode r = json(whatif(0, "MAX_GROSS_PCT=0.5\n", "--json", "--out", page.toString()));
        assertEquals(DRAWDOWN.length, r.get("recordings").asInt());
        assertEquals(DRAWDOWN.length, r.get("compared").asInt());
        assertEquals("1.0", r.get("in_force").get("MAX_GROSS_PCT").asText());
        for (int k = 0; k < DRAWDOWN.length; k++) {
            JsonNode m = r.get("moments").get(k);
            assertEquals(first.getEpochSecond() + 300L * k, m.get("at").asLong());
            assertEquals(books.get(k), m.get("in_force").get("book_usd").asDouble(), 1e-6, "in force at " + k + " = the leader's book");
            double candidate = m.get("candidate").get("book_usd").asDouble();
            assertEquals(Math.min(50_000, books.get(k)), candidate, 1e-6, "candidate at " + k);
        }
        assertTrue(r.get("summary").get("mean_difference_usd").asDouble() < -10_000, r.toString());
        assertEquals(first.getEpochSecond() + 6 * 300, r.get("summary").get("worst_at").asLong(), "the highest drawdown's recording");
        assertEquals("gross cap", r.get("largest").get(0).get("step").asText());
        assertEquals(4, r.get("largest").size());

        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(page.toFile());
        String summary = text(d, "summary");
        assertTrue(summary.startsWith("The candidate would have lowered the book by"), summary);
        for (String id : new String[] {"policies", "timeline", "book", "capped", "caps", "differences"}) {
            assertTrue(text(d, id) != null, id);
        }
        assertTrue(text(d, "differences").contains("gross cap"), text(d, "differences"));
        ReportIT.browser(page, dir, "differences", 4); // both books and both capped lines drawn
    }

    private static String text(Document d, String id) {
        var all = d.getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            var e = (org.w3c.dom.Element) all.item(i);
            if (id.equals(e.getAttribute("id"))) {
                return e.getTextContent();
            }
        }
        return null;
    }

    @Test
    void whatif_lowerMidThreshold_zonesPartAndTheDrawdownFactorIsTheStep() throws Exception {
        JsonNode r = json(whatif(0, "DD_LOW_THRESHOLD=0.03\n", "--json"));
        JsonNode at3 = r.get("moments").get(3); // drawdown 0.04: LOW in force (0.05), MID under the candidate
        assertEquals("LOW", at3.get("in_force").get("zone").asText());
        assertEquals("MID", at3.get("candidate").get("zone").asText());
        assertTrue(at3.get("candidate").get("book_usd").asDouble() < at3.get("in_force").get("book_usd").asDouble());
        assertTrue(r.get("largest").get(0).get("step").asText().startsWith("drawdown factor"), r.get("largest").toString());
    }

    @Test
    void whatif_samePolicy_noDifferenceAnywhere() throws Exception {
        String out = whatif(0, "MAX_GROSS_PCT=1.0\n");
        assertTrue(out.contains("The candidate would not have changed the book: the same total at each of the 12 recordings."), out);
        JsonNode r = json(whatif(0, "MAX_GROSS_PCT=1.0\n", "--json"));
        assertEquals(0, r.get("largest").size());
        for (JsonNode m : r.get("moments")) {
            assertEquals(m.get("in_force").get("book_usd").asDouble(), m.get("candidate").get("book_usd").asDouble(), 0.0);
        }
    }

    @Test
    void whatif_oneRecordingGarbage_skippedAndNamed_theOthersReplayed() throws Exception {
        Path copy = Files.createDirectories(dir.resolve("with-garbage"));
        try (var files = Files.list(record)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        String name = "snapshot-" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(java.time.ZoneOffset.UTC)
                .format(first.plusSeconds(150)) + ".json.gz";
        Files.write(copy.resolve(name), new byte[] {0x1f, (byte) 0x8b, 1, 2, 3}); // gzip's magic, then nothing a reader can use
        String out = whatif(0, "MAX_GROSS_PCT=0.5\n", "--from", copy.toString(), "--json");
        assertTrue(out.contains("skipped unreadable recording " + name + ": "), out);
        JsonNode r = json(out.substring(out.indexOf("\n{") + 1));
        assertEquals(DRAWDOWN.length, r.get("recordings").asInt(), "the other recordings replayed");
        assertEquals(1, r.get("skipped").size());
    }

    @Test
    void whatif_unknownOrInvalidVariableOrEmptyWindow_exit2NamingIt() throws Exception {
        assertTrue(whatif(2, "P29_MODE=halt\n").contains("P29_MODE: not a policy variable"));
        assertTrue(whatif(2, "MAX_SYMBOL_PCT=1.5\n").contains("MAX_SYMBOL_PCT: must be in (0, 1], was 1.5"));
        String empty = whatif(2, "MAX_GROSS_PCT=0.5\n", "--since", "10m", "--until", first.minusSeconds(60).toString());
        assertTrue(empty.contains("no recording in"), empty);
    }
}
