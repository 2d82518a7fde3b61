package com.quantumtrader.allocation.runner.cli;

import com.quantumtrader.allocation.runner.config.Config;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.redis.Control;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.wire.Decoded;
import com.quantumtrader.allocation.redis.wire.StateHash;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code retract}: deletes every target hash the service wrote. While a runner holds the writer's lease in a mode that
 * writes targets, it would rewrite them within one cycle, so a retract then is refused (exit 2) unless {@code --force};
 * {@code control set shadow} is the command that deletes them and keeps them deleted.
 */
@Command(name = "retract", mixinStandardHelpOptions = true,
        description = "Delete every target hash this service wrote, now (emergency rollback with no runner running). Touches no other key."
                + " Refused while a runner holds the writer's lease in enforce, reduce or halt (it would rewrite them): use"
                + " 'control set shadow', or --force.")
final class RetractCommand implements Callable<Integer> {
    @Mixin
    EnvOptions env;

    @Option(names = "--force", description = "Retract even while a runner leads in a writing mode (it rewrites the targets at its next cycle).")
    boolean force;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Config config = env.config();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (RedisConnection redis = Wiring.connect(config)) {
            Control control = new Control(redis);
            Optional<String> holder = control.leaseHolder();
            Decoded<StateHash> last = control.lastWrite();
            Optional<Mode> writing = last instanceof Decoded.Valid<StateHash> v ? v.value().mode().filter(Mode::writesTargets) : Optional.empty();
            String leader = holder.isPresent() && writing.isPresent()
                    ? holder.get() + " holds the writer's lease in mode " + writing.get().wireName() : null;
            if (leader != null && !force) {
                err.println("retract: refused: " + leader + " and would rewrite every target at its next cycle; 'control set shadow"
                        + " --reason TEXT' deletes them and keeps them deleted (or stop the runners; --force retracts anyway)");
                err.flush();
                return ExitCodes.CONFIG;
            }
            int n = Wiring.writer(config, redis).retract();
            out.println("retracted " + n + " target hashes from " + config.connection().deployment());
            if (leader != null) {
                out.println("warning: " + leader + ": it rewrites them at its next cycle (within P29_INTERVAL_SEC); 'control set shadow"
                        + " --reason TEXT' keeps them deleted");
            }
            out.flush();
        }
        return ExitCodes.OK;
    }
}
