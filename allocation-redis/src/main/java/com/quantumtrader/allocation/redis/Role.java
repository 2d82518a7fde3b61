package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.wire.Decoded;
import com.quantumtrader.allocation.redis.wire.StateHash;
import com.quantumtrader.allocation.redis.wire.Fence;

import java.util.Objects;
import java.util.Optional;

/** What a runner is this cycle: the one fenced writer, or a standby that computes and writes nothing. */
public sealed interface Role {

    /** Not yet known: a process that has not reached Redis. */
    Role UNKNOWN = new Standby(Optional.empty(), 0);

    /**
     * The writer.
     *
     * @param fence     the lease and epoch every write is conditional on
     * @param inherited the state the previous writer left, decoded, read when the lease was taken; empty when
     *                  the lease was renewed (invalid with reason {@code absent} when no state was there)
     */
    record Leader(Fence fence, Optional<Decoded<StateHash>> inherited) implements Role {
        public Leader {
            Objects.requireNonNull(fence, "fence");
            Objects.requireNonNull(inherited, "inherited");
        }
    }

    /**
     * @param holder the instance holding the lease, when one does
     * @param epoch  the epoch in Redis when last seen (0: none yet)
     */
    record Standby(Optional<String> holder, long epoch) implements Role {
        public Standby {
            Objects.requireNonNull(holder, "holder");
        }
    }

    default boolean leading() {
        return this instanceof Leader;
    }
}
