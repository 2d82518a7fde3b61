/**
 * The service's configuration: the variables ({@code Variable}), their parsing into
 * {@link com.quantumtrader.allocation.runner.config.Config} and {@code PolicySettings}, the env file and the cluster
 * map file, and the build's identity. The bottom layer of the runner: it uses no other runner package. A bad value
 * is a {@link com.quantumtrader.allocation.runner.config.ConfigException} naming the variable, the value and the rule.
 */
package com.quantumtrader.allocation.runner.config;
