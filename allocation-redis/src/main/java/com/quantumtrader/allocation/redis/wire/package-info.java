/**
 * The wire contract (DESIGN sections 3, 4, 10, 12, 13, 15, 16) as values, with no Redis client: the key names
 * ({@link com.quantumtrader.allocation.redis.wire.Keys}), one codec per hash or stream entry, both ways where the
 * service writes it ({@code TargetHash}, {@code DecisionEntry}, {@code RemovalEntry}, {@code CycleEntry},
 * {@code StateHash}, {@code ControlHash}, {@code Beat}), the inputs' decoding ({@code InputCodec}) and encoding
 * ({@code InputHashes}), the small values they share ({@code Values}) and the name rules ({@code Names}). A Governor
 * or a test can depend on these alone.
 *
 * <p>Types marked {@code @API(status = STABLE)} keep their signatures within 1.x (the build checks it against the 1.0
 * baseline, docs/governor.md); every other public type is internal to this project and may change without notice.
 */
package com.quantumtrader.allocation.redis.wire;
