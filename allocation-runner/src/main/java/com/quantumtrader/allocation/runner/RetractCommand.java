package com.quantumtrader.allocation.runner;

import com.quantumtrader.allocation.redis.client.RedisConnection;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "retract", mixinStandardHelpOptions = true,
        description = "Delete every target hash this service wrote, now (emergency rollback). Touches no other key.")
final class RetractCommand implements Callable<Integer> {
    @Mixin
    EnvOptions env;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Config config = env.config();
        try (RedisConnection redis = Wiring.connect(config)) {
            int n = Wiring.writer(config, redis).retract();
            spec.commandLine().getOut().println("retracted " + n + " target hashes from " + config.redis());
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
