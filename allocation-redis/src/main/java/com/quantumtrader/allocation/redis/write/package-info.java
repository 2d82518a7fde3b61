/**
 * The service's writes: {@link com.quantumtrader.allocation.redis.write.OutputWriter} carries out a cycle's write
 * plan (targets, retractions, the decision and cycle streams, the state hash) as
 * {@link com.quantumtrader.allocation.redis.write.FencedWrite} units (WATCH, fencing check, MULTI, EXEC: a writer that
 * lost its lease applies nothing), and {@link com.quantumtrader.allocation.redis.write.WriteResult} says what landed.
 * Uses {@code wire} and {@code client}; the lease that issues the fence stays at the package's root.
 */
package com.quantumtrader.allocation.redis.write;
