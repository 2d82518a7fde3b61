/**
 * The process's command line: {@link com.quantumtrader.allocation.runner.cli.Main} lists the commands ({@code run},
 * {@code once}, {@code retract}, {@code check-config}, {@code control}, {@code report}), {@code EnvOptions} reads
 * {@code --env-file}, {@code Wiring} builds the Redis pieces and the cycle from a configuration, {@code Service} runs
 * the loop with its HTTP endpoints and signals, and {@link com.quantumtrader.allocation.runner.cli.ExitCodes} holds the
 * exit codes every command returns. The top layer: it may use every other package of the runner, and none uses it.
 */
package com.quantumtrader.allocation.runner.cli;
