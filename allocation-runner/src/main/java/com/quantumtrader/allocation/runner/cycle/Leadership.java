package com.quantumtrader.allocation.runner.cycle;

import com.quantumtrader.allocation.redis.Lease;
import com.quantumtrader.allocation.redis.Role;
import com.quantumtrader.allocation.redis.client.RedisFailure;
import com.quantumtrader.allocation.redis.read.ReadRequest;
import com.quantumtrader.allocation.redis.wire.Beat;
import com.quantumtrader.allocation.redis.wire.Fence;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * This runner's part in the writer's lease (DESIGN section 16): its {@link Role}, the heartbeats it sends and reads,
 * yielding when it cannot write, stepping down when fenced, and releasing on shutdown. Every change of role goes
 * through {@link #stateTransition}, which tells the listener once (one log line, one metric). Loop thread only,
 * except {@link #role()}.
 */
final class Leadership {

    private final Lease lease;
    private final Duration interval;
    private final int yieldAfterCycles;
    private final Clock localClock;
    private final Consumer<RoleTransition> listener;
    /** The role of the last cycle; written by the loop thread only. */
    private volatile Role role = Role.UNKNOWN;
    /** The previous cycle's outcome, as this runner's next heartbeat reports it. */
    private Optional<Beat> lastBeat = Optional.empty();
    /** The other runners' beats seen in the last lease round trip. */
    private Map<String, Beat> peers = Map.of();
    /**
     * The highest epoch this runner has held or seen a leader hold: it never takes one at or below it (DESIGN section 20),
     * so a flush or a restart without persistence cannot set the fencing token back.
     */
    private long highestEpoch;
    /** Cycles in a row this runner led without completing a write. */
    private int cyclesWithoutWrite;

    Leadership(Lease lease, Duration interval, int yieldAfterCycles, Clock localClock, Consumer<RoleTransition> listener) {
        this.lease = Objects.requireNonNull(lease, "lease");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.yieldAfterCycles = yieldAfterCycles;
        this.localClock = Objects.requireNonNull(localClock, "localClock");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** The role of the last cycle. */
    Role role() {
        return role;
    }

    /** The tenure a read is for: the epoch this runner leads at, or none (DESIGN section 19: a cache is vouched for within one). */
    long tenure() {
        return role instanceof Role.Leader l ? l.fence().token() : ReadRequest.NOT_LEADING;
    }

    /** The fence of the lease this runner holds; only while leading. */
    Fence fence() {
        return ((Role.Leader) role).fence();
    }

    /**
     * Renews or takes the lease at {@code at}. A runner whose last cycle could not compute leaves a free lease to a
     * standby that could. Taking it with the last writer's state is a {@link RoleTransition.Cause#TOOK} (the caller adopts that state);
     * a new holder, or losing the lease, a {@link RoleTransition.Cause#STANDBY}.
     */
    Lease.Tenure hold(Instant at) {
        Role before = role;
        boolean unable = lastBeat.isPresent() && lastBeat.get().outcome() != Beat.Outcome.COMPUTED;
        boolean contend = !unable || capablePeer(lastBeat.map(Beat::at).orElse(at)).isEmpty();
        Lease.Tenure tenure = lease.hold(before, lastBeat, contend, localClock, highestEpoch);
        peers = tenure.peers();
        Role now = tenure.role();
        highestEpoch = Math.max(highestEpoch, now instanceof Role.Leader l ? l.fence().token()
                : now instanceof Role.Standby st ? st.epoch() : 0);
        if (now instanceof Role.Leader leader && leader.inherited().isPresent()) {
            stateTransition(now, RoleTransition.Cause.TOOK, "", "");
        } else if (now instanceof Role.Standby standby && (before.leading() || before == Role.UNKNOWN
                || !standby.holder().equals(((Role.Standby) before).holder()))) {
            stateTransition(now, RoleTransition.Cause.STANDBY, standby.holder().orElse("nobody"), "");
        } else {
            role = now; // renewed, or still the same leader's standby
        }
        return tenure;
    }

    /**
     * A leader that completed no write for {@code P29_YIELD_AFTER_CYCLES} cycles while a standby reports that it
     * computed gives the lease up (compare-and-delete, as on SIGTERM), and does not take it back while that standby can
     * lead. When no runner can compute, nobody yields: the lease stays where it is.
     */
    void yieldIfUnable(Instant now) {
        if (!(role instanceof Role.Leader leader) || cyclesWithoutWrite < yieldAfterCycles) {
            return;
        }
        Optional<Map.Entry<String, Beat>> peer = capablePeer(now);
        if (peer.isEmpty()) {
            return;
        }
        boolean released = lease.release(leader.fence());
        String detail = "completed no write in " + cyclesWithoutWrite + " cycles (last: "
                + lastBeat.map(b -> b.outcome().wireName()).orElse("none") + ") while " + peer.get().getKey()
                + " computed at " + peer.get().getValue().at() + "; lease " + (released ? "released" : "already gone");
        cyclesWithoutWrite = 0;
        stateTransition(new Role.Standby(Optional.empty(), leader.fence().token()), RoleTransition.Cause.YIELDED, peer.get().getKey(), detail);
    }

    /** A write was fenced (the lease or the epoch moved on): this runner is a standby from now on. */
    void fenced(RedisFailure failure) {
        stateTransition(new Role.Standby(Optional.empty(), 0), RoleTransition.Cause.FENCED, "", failure.getMessage());
    }

    /** On shutdown (and between the bench's blocks): gives the lease up if this runner holds it. */
    void release() {
        if (!(role instanceof Role.Leader leader)) {
            return;
        }
        String detail;
        try {
            detail = lease.release(leader.fence()) ? "released" : "already gone, not released";
        } catch (RedisFailure e) {
            detail = "could not be released (" + e.getMessage() + "); it expires on its own";
        }
        stateTransition(Role.UNKNOWN, RoleTransition.Cause.RELEASED, "", detail);
    }

    /**
     * Remembers a cycle's outcome for the next heartbeat and counts a leader's cycles without a completed write (a
     * computed cycle whose write landed resets it; a standby's is always 0).
     *
     * @param wrote whether the cycle's write landed (as leader)
     */
    void beat(Beat.Outcome outcome, boolean wrote, Instant now) {
        boolean leading = role.leading();
        lastBeat = Optional.of(new Beat(outcome, now, leading));
        if (!leading || (outcome == Beat.Outcome.COMPUTED && wrote)) {
            cyclesWithoutWrite = 0;
        } else {
            cyclesWithoutWrite++;
        }
    }

    /** The one place the role changes: the listener logs it once and sets the role metrics. */
    private void stateTransition(Role to, RoleTransition.Cause cause, String other, String detail) {
        RoleTransition t = new RoleTransition(role, to, cause, other, detail);
        role = to;
        listener.accept(t);
    }

    /** A standby whose last beat says it computed, no older than two intervals at {@code now}: it could lead. */
    private Optional<Map.Entry<String, Beat>> capablePeer(Instant now) {
        Instant since = now.minus(interval.multipliedBy(2)).minusSeconds(1);
        return peers.entrySet().stream()
                .filter(e -> e.getValue().outcome() == Beat.Outcome.COMPUTED && !e.getValue().leading() && e.getValue().at().isAfter(since))
                .findFirst();
    }
}
