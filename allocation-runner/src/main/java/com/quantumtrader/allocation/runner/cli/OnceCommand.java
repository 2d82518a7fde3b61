package com.quantumtrader.allocation.runner.cli;

import com.quantumtrader.allocation.runner.config.Config;
import com.quantumtrader.allocation.runner.config.ConfigException;
import com.quantumtrader.allocation.runner.config.PolicySettings;
import com.quantumtrader.allocation.runner.report.SnapshotFile;
import java.util.Optional;
import java.time.Duration;
import com.quantumtrader.allocation.core.CarryOver;
import com.quantumtrader.allocation.core.CycleResult;
import com.quantumtrader.allocation.core.CycleStep;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.redis.wire.ControlHash;
import com.quantumtrader.allocation.redis.wire.InputCodec;
import com.quantumtrader.allocation.redis.Lease;
import com.quantumtrader.allocation.redis.write.OutputWriter;
import com.quantumtrader.allocation.redis.read.ReadResult;
import com.quantumtrader.allocation.redis.Role;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.write.WriteResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "once", mixinStandardHelpOptions = true,
        description = "Compute one cycle and print the decisions. Writes nothing unless --write in enforce mode.")
final class OnceCommand implements Callable<Integer> {
    @Mixin
    EnvOptions env;

    @Option(names = "--snapshot", paramLabel = "FILE",
            description = "Read the inputs from a snapshot file (docs/snapshot-format.md) instead of Redis.")
    Path snapshot;

    @Option(names = "--json", description = "Print the result in the golden 'expected' format.")
    boolean json;

    @Option(names = "--write", description = "In enforce mode, write the targets and decisions to Redis (never with --snapshot).")
    boolean write;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Config config = env.config();
        Logging.setRootLevel("WARN");
        Once once;
        if (snapshot != null) {
            if (write) {
                throw new IllegalArgumentException("--write: cannot be used with --snapshot (a snapshot is not live data)");
            }
            once = fromSnapshot(config);
        } else {
            try (RedisConnection redis = Wiring.connect(config)) {
                Optional<Once> live = live(config, redis);
                if (live.isEmpty()) {
                    return ExitCodes.FAILURE;
                }
                once = live.get();
            }
        }
        print(once);
        return ExitCodes.OK;
    }

    /**
     * What one cycle computed.
     *
     * @param next   the carry-over it hands on (a snapshot's, printed for the next snapshot); null when live
     * @param policy the policy it ran under (a snapshot's own over the configuration's)
     */
    private record Once(CycleResult result, CarryOver next, Policy policy) {
    }

    /** A snapshot's cycle: its policy over the configuration's, its control hash's mode, its carry-over; no Redis is asked. */
    private Once fromSnapshot(Config config) {
        SnapshotFile.Snapshot s = SnapshotFile.read(snapshot);
        Map<String, String> policyEnv = new HashMap<>(PolicySettings.of(config.policy()));
        policyEnv.putAll(s.policy());
        Policy policy;
        try {
            policy = PolicySettings.parse(policyEnv);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("snapshot policy: " + e.getMessage());
        }
        // The mode in force as run would have it: the snapshot's control hash, else P29_MODE; leading, since the
        // snapshot's written targets are what a leader would hold.
        Mode mode = ControlHash.inForce(s.control(), config.service().mode());
        CycleStep.Outcome step = CycleStep.step(InputCodec.decode(s.raw()), new CycleStep.Controls(mode, s.scoped().controls()),
                settings(config, policy), s.now(), s.previous(), true, Optional.empty(), Optional.empty());
        return new Once(step.result(), step.next(), policy);
    }

    /**
     * A live cycle. The operator's controls win, as in run, and fail closed as in run: one that cannot be read leaves the
     * control the writer last held (the state hash) in force (DESIGN section 25). Empty: a write was asked for and the
     * lease is held by another runner.
     */
    private Optional<Once> live(Config config, RedisConnection redis) {
        ReadResult read = Wiring.reader(config, redis).read();
        CycleStep.Controls controls = Wiring.controlsInForce(config, redis, read, spec.commandLine().getErr());
        OutputWriter writer = Wiring.writer(config, redis);
        if (write && controls.mode().writesTargets()) {
            return written(config, redis, read, controls, writer);
        }
        // What the service holds in Redis, so reduce, a scoped reduce and the ramp start where a leader would.
        CarryOver held = writer.withWrittenKnown(CarryOver.START);
        CycleResult result = CycleStep.step(read.decode(), controls, writer.settings(), Instant.now(), held, true, Optional.empty(),
                Optional.empty()).result();
        if (write) {
            spec.commandLine().getErr().println("--write ignored: the mode in force is shadow, nothing written");
        }
        return Optional.of(new Once(result, null, config.policy()));
    }

    /** A one-shot write, fenced like a runner's: it takes the lease or writes nothing; what Redis holds is read first. */
    private Optional<Once> written(Config config, RedisConnection redis, ReadResult read, CycleStep.Controls controls, OutputWriter writer) {
        Lease lease = Wiring.lease(config, redis);
        Role role = lease.hold(Role.UNKNOWN);
        if (!(role instanceof Role.Leader leader)) {
            spec.commandLine().getErr().println("nothing written: the writer's lease is held by "
                    + ((Role.Standby) role).holder().orElse("?") + " (a runner is leading; stop it or use its output)");
            return Optional.empty();
        }
        try {
            CycleStep.Outcome step = CycleStep.step(read.decode(), controls, writer.settings(), Instant.now(), CarryOver.START, true,
                    Optional.of(writer.written()), Optional.empty());
            CycleResult result = step.result();
            WriteResult w = writer.write(step.write().orElseThrow(), result, Long.toString(result.now().toEpochMilli()), leader.fence(),
                    Optional.empty(), Map.of());
            spec.commandLine().getErr().println("wrote " + w.targetsWritten() + " target hashes and " + w.decisionsStreamed()
                    + " decisions in mode " + controls.mode().wireName() + " as " + leader.fence());
            return Optional.of(new Once(result, null, config.policy()));
        } finally {
            lease.release(leader.fence());
        }
    }

    /** The decision table (or {@code --json}), the carry-over a snapshot hands on, and the rejected inputs. */
    private void print(Once once) {
        PrintWriter out = spec.commandLine().getOut();
        CycleResult result = once.result();
        if (json) {
            out.println(SnapshotFile.toExpectedJson(result));
        } else {
            out.print(new DecisionTable(false, once.policy()).render(result, "cycle at " + result.now()));
            CarryOver c = once.next();
            if (c != null && c.zone().isPresent()) {
                out.println("carry-over for the next snapshot: \"state\": {\"drawdown_zone\": \"" + c.zone().get().name() + "\", \"relax_since\": \""
                        + c.relaxSince().map(t -> Long.toString(t.getEpochSecond())).orElse("") + "\"}");
            }
            result.rejections().forEach(r -> out.println("rejected " + r.source().wireName() + " " + r.subject() + ": " + r.detail()));
        }
        out.flush();
    }

    /** The step's settings with {@code policy} (a snapshot's) and the configuration's write thresholds. */
    private static CycleStep.Settings settings(Config config, Policy policy) {
        return new CycleStep.Settings(policy, config.writes().minChangePct(), Duration.ofSeconds(config.writes().targetRefreshSec()));
    }
}
