/**
 * The service's Redis work, on top of {@code wire} (what the bytes mean) and {@code client} (how they travel):
 * {@code read} (one cycle's inputs, with the one owner of what the service knows of them) and {@code write} (targets,
 * streams and state as fenced units); here at the root: {@link com.quantumtrader.allocation.redis.Lease}
 * and {@link com.quantumtrader.allocation.redis.Role} (the writer's lease, the heartbeats, Redis's clock),
 * {@link com.quantumtrader.allocation.redis.Control} (the operator's control hash and its audit),
 * {@link com.quantumtrader.allocation.redis.GovernorGate} (Gate 0 for a Java Governor) and
 * {@link com.quantumtrader.allocation.redis.CycleStream} (the report's reader). No class here imports Jedis.
 *
 * <p>Types marked {@code @API(status = STABLE)} keep their signatures within 1.x (the build checks it against the 1.0
 * baseline, docs/governor.md); every other public type is internal to this project and may change without notice.
 */
package com.quantumtrader.allocation.redis;
