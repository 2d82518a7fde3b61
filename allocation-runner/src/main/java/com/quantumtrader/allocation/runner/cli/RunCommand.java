package com.quantumtrader.allocation.runner.cli;

import com.quantumtrader.allocation.runner.config.Config;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the service: the loop, /metrics, /healthz, /readyz. SIGTERM finishes the cycle in flight and exits 0.")
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    EnvOptions env;

    @Override
    public Integer call() {
        Config config = env.config();
        Logging.setRootLevel(config.logs().level());
        Logging.apply(config.logs().format());
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTerminate(stop::countDown);
        try (Service service = new Service(config, Clock.systemUTC(), report -> { })) {
            service.start();
            stop.await();
            LOG.info("Termination signal: finishing the cycle in flight");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCodes.OK;
    }
}
