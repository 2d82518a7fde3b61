/**
 * What the service knows of Redis's inputs, with one owner (DESIGN section 20): {@link
 * com.quantumtrader.allocation.redis.read.InputReader} reads a cycle's inputs and keeps the universe it discovered, the
 * incremental reads' cache, the invalidation link, the turn of the lost-target checks and the audit. Nothing outside this
 * package keeps or drops a part of them: a caller reads, drops with a cause, and is told what starts a cycle. Depends on
 * {@code wire} and {@code client}; nothing at the package's root depends on it.
 *
 * <p>Types marked {@code @API(status = STABLE)} keep their signatures within 1.x (the build checks it against the 1.0
 * baseline, docs/governor.md); every other public type is internal to this project and may change without notice.
 */
package com.quantumtrader.allocation.redis.read;
