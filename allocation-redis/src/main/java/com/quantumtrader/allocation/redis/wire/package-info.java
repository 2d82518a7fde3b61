/**
 * The wire contract (DESIGN sections 3, 4, 10, 12, 13, 15, 16) as values, with no Redis client: the key names
 * ({@link com.quantumtrader.allocation.redis.wire.Keys}), one codec per hash or stream entry, both ways where the
 * service writes it ({@code TargetHash}, {@code DecisionEntry}, {@code RemovalEntry}, {@code CycleEntry},
 * {@code StateHash}, {@code ControlHash}, {@code Beat}), the inputs' decoding ({@code InputCodec}) and encoding
 * ({@code InputHashes}), the small values they share ({@code Values}) and the name rules ({@code Names}). A Governor
 * or a test can depend on these alone.
 */
package com.quantumtrader.allocation.redis.wire;
