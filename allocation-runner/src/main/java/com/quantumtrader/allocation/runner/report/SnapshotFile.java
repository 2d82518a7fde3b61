package com.quantumtrader.allocation.runner.report;

import com.quantumtrader.allocation.redis.wire.Values;
import com.quantumtrader.allocation.core.ClusterStress;
import com.quantumtrader.allocation.core.CycleInputs;
import com.quantumtrader.allocation.core.DiscoveredCluster;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.ScopedControl;
import com.quantumtrader.allocation.core.SymbolBudget;
import com.quantumtrader.allocation.redis.wire.InputHashes;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quantumtrader.allocation.core.CarryOver;
import com.quantumtrader.allocation.core.CycleResult;
import com.quantumtrader.allocation.core.DrawdownZone;
import com.quantumtrader.allocation.core.Scalars;
import com.quantumtrader.allocation.redis.wire.ControlHash;
import com.quantumtrader.allocation.redis.wire.Decoded;
import com.quantumtrader.allocation.redis.wire.ScopedControls;
import com.quantumtrader.allocation.redis.wire.StateHash;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.redis.wire.RawInputs;
import com.quantumtrader.allocation.redis.wire.TargetHash;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The snapshot format of {@code docs/snapshot-format.md} (the golden cases' format): one cycle's
 * inputs as Redis strings, the cycle time and optional policy overrides. Also writes a result in
 * the golden {@code expected} format.
 */
public final class SnapshotFile {

    /**
     * A parsed snapshot.
     *
     * @param previous the carry-over the cycle starts from: the zone in force and relax timer of the
     *                 optional {@code state} object (the {@code quantum:allocation:state} hash), else {@link CarryOver#START}
     */
    public record Snapshot(Instant now, Map<String, String> policy, RawInputs raw, CarryOver previous, Decoded<ControlHash> control,
                    ScopedControls scoped) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SnapshotFile() {
    }

    public static Snapshot read(Path file) {
        JsonNode root;
        try (java.io.InputStream in = open(file)) {
            root = JSON.readTree(in);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // The parser's own words and where, without its internals ("Source: REDACTED (StreamReadFeature...)")
            com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
            String words = e.getOriginalMessage().lines().findFirst().orElse("")
                    .replaceAll("\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)", "").replaceAll("\\s*at \\[Source:[^\\]]*\\]", "");
            throw new IllegalArgumentException("--snapshot: cannot read " + file + " as JSON: " + words
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new IllegalArgumentException("--snapshot: cannot read " + file + ": " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("--snapshot: " + file + " must hold a JSON object");
        }
        JsonNode now = root.get("now");
        if (now == null || !now.canConvertToLong()) {
            throw new IllegalArgumentException("--snapshot: " + file + ": \"now\" must be integer epoch seconds");
        }
        Optional<Instant> regimeEntryTime = root.hasNonNull("regime_entry_id_ms")
                ? Optional.of(Instant.ofEpochMilli(root.get("regime_entry_id_ms").asLong())) : Optional.empty();
        RawInputs raw = new RawInputs(
                strings(root.path("portfolio")), hashes(root.path("budgets")), strings(root.path("cluster_map")),
                strings(root.path("discovered_clusters")), hashes(root.path("cluster_states")), hashes(root.path("clusters")),
                        strings(root.path("regime")), regimeEntryTime, hashes(root.path("attributions")));
        CarryOver previous = previous(file, strings(root.path("state")));
        if (root.has("written")) {
            previous = previous.withWritten(written(file, hashes(root.path("written"))));
        }
        Map<String, String> control = strings(root.path("control"));
        Decoded<ControlHash> decoded = ControlHash.decode(control);
        if (!control.isEmpty() && decoded instanceof Decoded.Invalid<ControlHash> invalid) {
            throw new IllegalArgumentException("--snapshot: " + file + ": control." + invalid.reason());
        }
        ScopedControls scoped = ScopedControls.decode(strings(root.path("scoped_controls")));
        if (!scoped.invalid().isEmpty()) {
            throw new IllegalArgumentException("--snapshot: " + file + ": scoped_controls." + scoped.invalid().get(0));
        }
        return new Snapshot(Instant.ofEpochSecond(now.asLong()), strings(root.path("policy")), raw, previous, decoded, scoped);
    }

    /**
     * The {@code written} object: per symbol, its target hash as Redis holds it ({@code redis-cli HGETALL} of
     * {@code quantum:allocation:target:SYM} can be pasted); only {@code target_usd} and {@code timestamp} are used: what
     * the ramp and reduce start from. Its labels are unknown, as after a failover.
     */
    private static Map<String, CarryOver.WrittenTarget> written(Path file, Map<String, Map<String, String>> hashes) {
        Map<String, CarryOver.WrittenTarget> out = new HashMap<>();
        hashes.forEach((symbol, hash) -> {
            OptionalDouble usd = Scalars.parseNumber(hash.get(TargetHash.TARGET_USD));
            OptionalLong ts = Values.epochSeconds(hash.get(TargetHash.TIMESTAMP));
            if (usd.isEmpty() || !(usd.getAsDouble() >= 0) || ts.isEmpty()) {
                throw new IllegalArgumentException("--snapshot: " + file + ": written." + Scalars.printable(symbol)
                        + ": needs target_usd (a number >= 0) and timestamp (integer epoch seconds), was " + hash);
            }
            out.put(symbol, new CarryOver.WrittenTarget(usd.getAsDouble(), Instant.ofEpochSecond(ts.getAsLong())));
        });
        return out;
    }

    /**
     * The {@code state} object: the {@code quantum:allocation:state} hash as Redis holds it (so
     * {@code redis-cli HGETALL} output can be pasted); only {@code drawdown_zone} and {@code relax_since}
     * are used, with the state hash's rules. Absent or empty: a first cycle.
     */
    private static CarryOver previous(Path file, Map<String, String> state) {
        String rawZone = state.getOrDefault(StateHash.DRAWDOWN_ZONE, "");
        Optional<DrawdownZone> zone = java.util.Arrays.stream(DrawdownZone.values()).filter(z -> z.name().equals(rawZone)).findFirst();
        if (!rawZone.isEmpty() && zone.isEmpty()) {
            throw new IllegalArgumentException("--snapshot: " + file + ": state." + StateHash.DRAWDOWN_ZONE
                    + ": must be LOW, MID, HIGH or empty, was '" + Scalars.printable(rawZone) + "'");
        }
        String rawRelax = state.getOrDefault(StateHash.RELAX_SINCE, "");
        OptionalLong relax = Values.epochSeconds(rawRelax);
        if (!rawRelax.isEmpty() && relax.isEmpty()) {
            throw new IllegalArgumentException("--snapshot: " + file + ": state." + StateHash.RELAX_SINCE
                    + ": must be integer epoch seconds or empty, was '" + Scalars.printable(rawRelax) + "'");
        }
        if (zone.isEmpty() && relax.isPresent()) {
            throw new IllegalArgumentException("--snapshot: " + file + ": state." + StateHash.RELAX_SINCE
                    + ": needs state." + StateHash.DRAWDOWN_ZONE + " (a relax timer belongs to a zone in force)");
        }
        return new CarryOver(zone, relax.isPresent() ? Optional.of(Instant.ofEpochSecond(relax.getAsLong())) : Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    /** The file's bytes, un-gzipped when it starts with gzip's magic bytes (the recorder's {@code .json.gz} files). */
    private static java.io.InputStream open(Path file) throws IOException {
        java.io.InputStream in = new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(file));
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        return b1 == 0x1f && b2 == 0x8b ? new java.util.zip.GZIPInputStream(in, 1 << 16) : in;
    }

    /**
     * One cycle's decoded inputs as a snapshot {@link #read} reads back to the same cycle (the recorder's files, DESIGN
     * section 24): numbers in their shortest exact text, input timestamps in epoch milliseconds, the carry-over's zone,
     * relax timer and written targets, the mode in force as the control hash, the scoped controls as their hash holds them.
     * What decoding rejected is not in it (a replay counts those inputs missing, not rejected).
     */
    public static ObjectNode toJson(Instant now, Map<String, String> policy, CycleInputs in, CarryOver previous, Mode mode,
                                    List<ScopedControl> scoped) {
        ObjectNode root = JSON.createObjectNode();
        root.put("now", now.getEpochSecond());
        ObjectNode p = root.putObject("policy");
        policy.forEach(p::put);
        in.portfolio().ifPresent(f -> put(root.putObject("portfolio"), InputHashes.portfolio(num(f.equityUsd()), num(f.drawdown()),
                ms(f.timestamp()))));
        ObjectNode budgets = root.putObject("budgets");
        for (SymbolBudget b : in.budgets()) {
            put(budgets.putObject(b.symbol()), b.clusterId().isPresent() ? InputHashes.budget(num(b.budgetUsd()), ms(b.timestamp()),
                    b.clusterId().get()) : InputHashes.budget(num(b.budgetUsd()), ms(b.timestamp())));
        }
        put(root.putObject("cluster_map"), in.clusterMap());
        clusters(root, in);
        in.regime().ifPresent(r -> put(root.putObject("regime"), InputHashes.regime(r.regime().name(), num(r.confidence()),
                ms(r.timestamp()))));
        ObjectNode attributions = root.putObject("attributions");
        in.attributions().forEach((symbol, a) -> put(attributions.putObject(symbol),
                InputHashes.attribution(num(a.performanceFactor()), ms(a.timestamp()))));
        ObjectNode state = root.putObject("state");
        state.put(StateHash.DRAWDOWN_ZONE, previous.zone().map(Enum::name).orElse(""));
        state.put(StateHash.RELAX_SINCE, previous.relaxSince().map(t -> Long.toString(t.getEpochSecond())).orElse(""));
        previous.written().ifPresent(w -> {
            ObjectNode written = root.putObject("written");
            w.forEach((symbol, t) -> written.putObject(symbol).put(TargetHash.TARGET_USD, num(t.targetUsd()))
                    .put(TargetHash.TIMESTAMP, Long.toString(t.at().getEpochSecond())));
        });
        root.putObject("control").put(ControlHash.MODE, mode.wireName());
        ObjectNode controls = root.putObject("scoped_controls");
        scoped.forEach(c -> controls.put(ScopedControls.field(c), ScopedControls.encode(c)));
        return root;
    }

    /**
     * The stress hashes and the discovered clusters: a discovered cluster's state (stress, {@code updated_ts}) stands
     * where no stress hash does, as {@code InputCodec} reads it; a stress hash is written only when it is one.
     */
    private static void clusters(ObjectNode root, CycleInputs in) {
        ObjectNode stressHashes = root.putObject("clusters");
        ObjectNode discovered = root.putObject("discovered_clusters");
        ObjectNode states = root.putObject("cluster_states");
        Map<String, DiscoveredCluster> byId = new HashMap<>();
        for (DiscoveredCluster d : in.discovered()) {
            byId.put(d.id(), d);
            discovered.put(d.id(), JSON.valueToTree(d.members()).toString());
        }
        in.clusters().forEach((id, c) -> {
            DiscoveredCluster d = byId.get(id);
            boolean fromState = d != null && c.alpha().isEmpty() && d.updated().equals(Optional.of(c.timestamp()));
            if (!fromState) {
                ObjectNode h = stressHashes.putObject(id);
                c.stress().ifPresent(v -> h.put("stress", num(v)));
                c.alpha().ifPresent(v -> h.put("alpha", num(v)));
                h.put("timestamp", ms(c.timestamp()));
            }
        });
        for (DiscoveredCluster d : in.discovered()) {
            ObjectNode st = states.putObject(d.id());
            ClusterStress c = in.clusters().get(d.id());
            if (c != null) {
                c.stress().ifPresent(v -> st.put("stress", num(v)));
            }
            d.updated().ifPresent(t -> st.put("updated_ts", ms(t)));
        }
    }

    /** {@code snapshot} written gzip-compressed to {@code file} (through a temporary file, so a reader never sees half). */
    public static void writeGzip(ObjectNode snapshot, Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(java.nio.file.Files.newOutputStream(tmp), 1 << 16)) {
            JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValue(out, snapshot);
        } catch (IOException | RuntimeException e) {
            java.nio.file.Files.deleteIfExists(tmp);
            throw e;
        }
        java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void put(ObjectNode node, Map<String, String> fields) {
        fields.forEach(node::put);
    }

    private static String num(double v) {
        return Scalars.formatDecimal(v);
    }

    private static String ms(Instant t) {
        return Long.toString(t.toEpochMilli());
    }

    /** The result as the golden {@code expected} object: outcome and targets by symbol, named as in the target hash. */
    public static String toExpectedJson(CycleResult result) {
        ObjectNode root = JSON.createObjectNode();
        root.put("outcome", result.outcome().name());
        ObjectNode targets = root.putObject("targets");
        for (Decision d : result.decisions()) {
            ObjectNode t = targets.putObject(d.symbol());
            t.put(TargetHash.CLUSTER_ID, d.clusterId());
            t.put(TargetHash.TARGET_USD, d.targetUsd());
            t.put(TargetHash.REGIME_FACTOR, d.regimeFactor());
            t.put(TargetHash.CLUSTER_FACTOR, d.clusterFactor());
            t.put(TargetHash.DRAWDOWN_FACTOR, d.drawdownFactor());
            t.put(TargetHash.PERFORMANCE_FACTOR, d.performanceFactor());
            t.put(TargetHash.DRAWDOWN_ZONE, d.drawdownZone().name());
            t.put(TargetHash.REGIME, d.regime().name());
            t.put(TargetHash.CONFIDENCE, d.confidence());
            t.put(TargetHash.CAP, d.cap().wireName());
            t.put(TargetHash.WEIGHT, d.weight());
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> out = new HashMap<>();
        node.properties().forEach(e -> out.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
        return out;
    }

    private static Map<String, Map<String, String>> hashes(JsonNode node) {
        Map<String, Map<String, String>> out = new HashMap<>();
        node.properties().forEach(e -> out.put(e.getKey(), strings(e.getValue())));
        return out;
    }
}
