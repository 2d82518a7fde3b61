/**
 * The only package that imports Jedis. {@link com.quantumtrader.allocation.redis.client.RedisDeployment} is one record
 * per deployment kind (standalone, Sentinel, Cluster), each making its own {@code Topology} (pools, slot map);
 * {@link com.quantumtrader.allocation.redis.client.RedisConnection#call} lends one call's
 * {@link com.quantumtrader.allocation.redis.client.Nodes} ({@code OnePrimary} or {@code ClusterPrimaries}), whose
 * {@link com.quantumtrader.allocation.redis.client.Batch} pipelines and {@link com.quantumtrader.allocation.redis.client.Server}
 * connections give {@link com.quantumtrader.allocation.redis.client.Reply} values; arguments are
 * {@link com.quantumtrader.allocation.redis.client.Arg} bytes, commands {@link com.quantumtrader.allocation.redis.client.Command};
 * every Redis error is a {@link com.quantumtrader.allocation.redis.client.ReplyError} or a
 * {@link com.quantumtrader.allocation.redis.client.RedisFailure}. A new deployment kind is one more record here.
 *
 * <p>Types marked {@code @API(status = STABLE)} keep their signatures within 1.x (the build checks it against the 1.0
 * baseline, docs/governor.md); every other public type is internal to this project and may change without notice.
 */
package com.quantumtrader.allocation.redis.client;
