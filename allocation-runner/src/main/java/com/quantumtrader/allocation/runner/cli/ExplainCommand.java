package com.quantumtrader.allocation.runner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quantumtrader.allocation.core.CarryOver;
import com.quantumtrader.allocation.core.ClusterStress;
import com.quantumtrader.allocation.core.CycleInputs;
import com.quantumtrader.allocation.core.CycleStep;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.core.Explanation;
import com.quantumtrader.allocation.core.Fallback;
import com.quantumtrader.allocation.core.ScopedControl;
import com.quantumtrader.allocation.core.Scalars;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisFailure;
import com.quantumtrader.allocation.redis.read.ReadResult;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.wire.TargetHash;
import com.quantumtrader.allocation.redis.write.OutputWriter;
import com.quantumtrader.allocation.runner.config.Config;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code explain SYMBOL}: why one symbol's target is what it is, from the live inputs (DESIGN section 24): core's
 * {@link Explanation} of the step a leader would take now, worded, beside the target Redis holds. Writes nothing.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Why one symbol's target is what it is: the whole chain from the live inputs, and the value in Redis now.")
final class ExplainCommand implements Callable<Integer> {

    @Mixin
    EnvOptions env;

    @Parameters(index = "0", paramLabel = "SYMBOL", description = "The symbol, e.g. BTCUSDT.")
    String symbol;

    @Option(names = "--json", description = "Print the chain as one JSON object.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (!Scalars.isValidName(symbol)) {
            throw new IllegalArgumentException("SYMBOL: must be 1-64 characters of [A-Za-z0-9._-], was '" + Scalars.printable(symbol) + "'");
        }
        Config config = env.config();
        Logging.setRootLevel("WARN");
        PrintWriter out = spec.commandLine().getOut();
        try (RedisConnection redis = Wiring.connect(config)) {
            ReadResult read = Wiring.reader(config, redis).read();
            CycleStep.Controls controls = Wiring.controlsInForce(config, redis, read, spec.commandLine().getErr());
            OutputWriter writer = Wiring.writer(config, redis);
            CarryOver held = writer.withWrittenKnown(CarryOver.START); // what the service holds: reduce and the ramp start there
            Instant now = Instant.now();
            CycleInputs inputs = read.decode();
            Explanation e = Explanation.of(symbol, inputs, controls, writer.settings(), now, held);
            Map<String, String> inRedis = redis.call(RedisFailure.Operation.READ, nodes -> nodes.server(Keys.target(symbol)).hgetAll(Keys.target(symbol)));
            if (e instanceof Explanation.Unexplained u) {
                return unexplained(u, read, out);
            }
            Explanation.Chain chain = (Explanation.Chain) e;
            out.println(json ? json(chain, inputs, inRedis) : text(chain, inputs, inRedis, config));
            out.flush();
            return ExitCodes.OK;
        }
    }

    private int unexplained(Explanation.Unexplained u, ReadResult read, PrintWriter out) {
        if (u.reason() == Explanation.Reason.SKIPPED) {
            out.println(symbol + ": the cycle would compute nothing now (" + u.skip().map(r -> r.wireName()).orElse("?")
                    + "): no symbol gets a new target; the ones written stay until they expire");
            out.flush();
            return ExitCodes.OK;
        }
        String beyond = read.discovery().overCapacity() > 0 ? "; " + read.discovery().overCapacity()
                + " symbols are beyond the capacity (P29_MAX_SYMBOLS) and not read: it may be one of them" : "";
        spec.commandLine().getErr().println(symbol + ": no budget this cycle (" + Keys.budget(symbol)
                + " is missing, or was rejected: see `once`)" + beyond);
        return ExitCodes.CONFIG;
    }

    private static String text(Explanation.Chain c, CycleInputs in, Map<String, String> inRedis, Config config) {
        Explanation.Rules r = c.rules();
        Decision d = r.decision();
        Decision a = c.after().decision();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s at %s, mode %s, equity %s%n", c.symbol(), c.now(), c.after().mode().wireName(), usd(r.equity())));
        Optional<String> budgetAge = in.budgets().stream().filter(b -> b.symbol().equals(c.symbol())).findFirst()
                .map(b -> age(b.timestamp(), c.now()));
        line(sb, "base budget", usd(d.baseBudgetUsd()), Keys.budget(c.symbol()) + budgetAge.map(x -> ", " + x).orElse(""));
        line(sb, "x regime " + d.regime().name(), factor(d.regimeFactor()), in.regime().map(g -> Keys.REGIME_STREAM + ": "
                + g.regime().name() + ", confidence " + Scalars.formatDecimal(g.confidence()) + ", " + age(g.timestamp(), c.now())).orElse("no regime"));
        ClusterStress stress = in.clusters().get(d.clusterId());
        line(sb, "x cluster " + d.clusterId(), factor(d.clusterFactor()), stress == null ? "no stress hash" : Keys.stress(d.clusterId())
                + ": stress " + stress.stress().stream().mapToObj(Scalars::formatDecimal).findFirst().orElse("-") + ", "
                + age(stress.timestamp(), c.now()));
        line(sb, "x drawdown " + d.drawdownZone().name(), factor(d.drawdownFactor()), in.portfolio().map(p -> Keys.PORTFOLIO + ": drawdown "
                + Scalars.formatDecimal(p.drawdown()) + ", " + age(p.timestamp(), c.now())).orElse("no portfolio"));
        line(sb, "x performance", factor(d.performanceFactor()), performance(c.symbol(), d.clusterId(), in, c.now()));
        for (Fallback f : r.fallbacks()) {
            line(sb, "  fallback", f.source().wireName(), f.reason().wireName() + " (" + f.subject() + ")");
        }
        line(sb, "= product", usd(d.uncappedUsd()), "");
        cap(sb, "symbol cap", r.symbol(), "MAX_SYMBOL_PCT x equity, against the product");
        cap(sb, "cluster cap", r.cluster(), "MAX_CLUSTER_PCT x equity, cluster " + d.clusterId() + " totals " + usd(r.cluster().sumUsd()));
        cap(sb, "gross cap", r.gross(), Double.isInfinite(r.gross().limitUsd()) ? "off" : "MAX_GROSS_PCT x equity, the book totals "
                + usd(r.gross().sumUsd()));
        line(sb, "= the rules", usd(d.targetUsd()), "cap " + d.cap().wireName());
        for (ScopedControl s : c.after().controls()) {
            line(sb, "scoped control", s.action().wireName() + (s.action() == ScopedControl.Action.SCALE ? " x" + s.factor() : ""),
                    s.scope().wireName() + " " + s.id() + " by " + s.by() + ": " + s.reason() + s.until().map(u -> ", until " + u).orElse(""));
        }
        c.after().written().ifPresent(w -> line(sb, "written", usd(w.targetUsd()), "at " + w.at() + c.after().rampBound().stream()
                .mapToObj(b -> ", the ramp allows at most " + usd(b) + " now").findFirst().orElse("")));
        line(sb, "= target", usd(a.targetUsd()), "cap " + a.cap().wireName() + ", mode " + c.after().mode().wireName());
        line(sb, "in Redis now", inRedis.isEmpty() ? "none" : inRedis.getOrDefault(TargetHash.TARGET_USD, "?"), why(a, inRedis, c, config));
        return sb.toString().stripTrailing();
    }

    /**
     * The performance factor's input: the symbol's attribution (its factor), else its cluster's alpha (in the stress hash),
     * else none; with the key and age.
     */
    private static String performance(String symbol, String clusterId, CycleInputs in, Instant now) {
        var attribution = in.attributions().get(symbol);
        if (attribution != null) {
            return Keys.attribution(symbol) + ": performance_factor " + Scalars.formatDecimal(attribution.performanceFactor()) + ", "
                    + age(attribution.timestamp(), now);
        }
        ClusterStress stress = in.clusters().get(clusterId);
        if (stress != null && stress.alpha().isPresent()) {
            return Keys.stress(clusterId) + ": alpha " + Scalars.formatDecimal(stress.alpha().getAsDouble()) + " (the cluster's), "
                    + age(stress.timestamp(), now);
        }
        return "no attribution, no cluster alpha";
    }

    /** Why the value Redis holds differs from the step's, if it does. */
    private static String why(Decision a, Map<String, String> inRedis, Explanation.Chain c, Config config) {
        if (!c.after().mode().writesTargets()) {
            return inRedis.isEmpty() ? "shadow writes no target" : "shadow: the next cycle of a leader retracts it";
        }
        if (inRedis.isEmpty()) {
            return "not written yet: the next cycle writes it";
        }
        double held = Scalars.parseNumber(inRedis.get(TargetHash.TARGET_USD)).orElse(Double.NaN);
        if (held == a.targetUsd()) {
            return "as computed";
        }
        double moved = Math.abs(a.targetUsd() - held) / Math.max(Math.abs(held), 1e-9);
        return moved <= config.writes().minChangePct() ? "within P29_MIN_CHANGE_PCT of the computed one: not rewritten"
                : "differs from the computed one by more than P29_MIN_CHANGE_PCT: the next cycle writes it";
    }

    private static void cap(StringBuilder sb, String name, Explanation.Cap cap, String what) {
        line(sb, name, Double.isInfinite(cap.limitUsd()) ? "-" : usd(cap.limitUsd()),
                what + (cap.bound() ? ": x" + String.format(Locale.ROOT, "%.4f", cap.ratio()) : ": not binding"));
    }

    private static void line(StringBuilder sb, String name, String value, String note) {
        sb.append(String.format(Locale.ROOT, "%-22s %14s  %s%n", name, value, note));
    }

    private static String usd(double v) {
        return String.format(Locale.ROOT, "%,.2f", v);
    }

    private static String factor(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /** Each factor's input as read: its key, value and age in seconds; absent when there was none. */
    private static void inputsJson(ObjectNode o, Explanation.Chain c, CycleInputs in) {
        Decision d = c.rules().decision();
        long now = c.now().getEpochSecond();
        in.regime().ifPresent(g -> o.putObject("regime").put("key", Keys.REGIME_STREAM).put("regime", g.regime().name())
                .put("confidence", g.confidence()).put("age_s", now - g.timestamp().getEpochSecond()));
        ClusterStress stress = in.clusters().get(d.clusterId());
        if (stress != null) {
            ObjectNode s = o.putObject("cluster").put("key", Keys.stress(d.clusterId())).put("age_s", now - stress.timestamp().getEpochSecond());
            stress.stress().ifPresent(v -> s.put("stress", v));
            stress.alpha().ifPresent(v -> s.put("alpha", v));
        }
        in.portfolio().ifPresent(p -> o.putObject("drawdown").put("key", Keys.PORTFOLIO).put("drawdown", p.drawdown())
                .put("age_s", now - p.timestamp().getEpochSecond()));
        var attribution = in.attributions().get(c.symbol());
        if (attribution != null) {
            o.putObject("performance").put("key", Keys.attribution(c.symbol())).put("performance_factor", attribution.performanceFactor())
                    .put("age_s", now - attribution.timestamp().getEpochSecond());
        }
    }

    private static String age(Instant t, Instant now) {
        return Duration.between(t, now).toSeconds() + " s old";
    }

    private static String json(Explanation.Chain c, CycleInputs in, Map<String, String> inRedis) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        Explanation.Rules r = c.rules();
        Decision d = r.decision();
        root.put("symbol", c.symbol()).put("now", c.now().getEpochSecond()).put("mode", c.after().mode().wireName()).put("equity_usd", r.equity());
        root.put("base_budget_usd", d.baseBudgetUsd()).put("regime", d.regime().name()).put("regime_factor", d.regimeFactor())
                .put("cluster_id", d.clusterId()).put("cluster_factor", d.clusterFactor()).put("drawdown_zone", d.drawdownZone().name())
                .put("drawdown_factor", d.drawdownFactor()).put("performance_factor", d.performanceFactor()).put("product_usd", d.uncappedUsd());
        inputsJson(root.putObject("inputs"), c, in);
        capJson(root.putObject("symbol_cap"), r.symbol());
        capJson(root.putObject("cluster_cap"), r.cluster());
        capJson(root.putObject("gross_cap"), r.gross());
        root.put("rules_target_usd", d.targetUsd()).put("rules_cap", d.cap().wireName());
        var fallbacks = root.putArray("fallbacks");
        r.fallbacks().forEach(f -> fallbacks.addObject().put("source", f.source().wireName()).put("reason", f.reason().wireName())
                .put("subject", f.subject()));
        var controls = root.putArray("scoped_controls");
        c.after().controls().forEach(s -> controls.addObject().put("scope", s.scope().wireName()).put("id", s.id())
                .put("action", s.action().wireName()).put("factor", s.factor()).put("by", s.by()).put("reason", s.reason())
                .put("until", s.until().map(Instant::getEpochSecond).orElse(null)));
        c.after().written().ifPresent(w -> root.putObject("written").put("target_usd", w.targetUsd()).put("at", w.at().getEpochSecond()));
        c.after().rampBound().ifPresent(b -> root.put("ramp_bound_usd", b));
        root.put("target_usd", c.after().decision().targetUsd()).put("cap", c.after().decision().cap().wireName());
        ObjectNode redis = root.putObject("in_redis");
        inRedis.forEach(redis::put);
        try {
            return mapper.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void capJson(ObjectNode node, Explanation.Cap cap) {
        if (Double.isInfinite(cap.limitUsd())) {
            node.putNull("limit_usd");
        } else {
            node.put("limit_usd", cap.limitUsd());
        }
        node.put("sum_usd", cap.sumUsd()).put("ratio", cap.ratio()).put("bound", cap.bound());
    }
}
