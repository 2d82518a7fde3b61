/**
 * The service's writes: {@link com.quantumtrader.allocation.redis.write.OutputWriter} carries out a cycle's write
 * plan (targets, retractions, the decision and cycle streams, the state hash) as
 * {@link com.quantumtrader.allocation.redis.write.FencedWrite} units (WATCH, fencing check, MULTI, EXEC: a writer that
 * lost its lease applies nothing), and {@link com.quantumtrader.allocation.redis.write.WriteResult} says what landed.
 * Uses {@code wire} and {@code client}; the lease that issues the fence stays at the package's root.
 *
 * <p>Types marked {@code @API(status = STABLE)} keep their signatures within 1.x (the build checks it against the 1.0
 * baseline, docs/governor.md); every other public type is internal to this project and may change without notice.
 */
package com.quantumtrader.allocation.redis.write;
