package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.wire.Names;

import com.quantumtrader.allocation.redis.client.Reply;

import com.quantumtrader.allocation.redis.wire.Beat;
import com.quantumtrader.allocation.redis.wire.Decoded;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.wire.StateHash;
import com.quantumtrader.allocation.redis.wire.Fence;
import com.quantumtrader.allocation.redis.wire.Values;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisFailure;
import com.quantumtrader.allocation.redis.client.Nodes;

import com.quantumtrader.allocation.core.Scalars;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.TreeMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The writer's lease and fencing token of DESIGN section 10, stateless: the caller passes the role it
 * had and gets the role it has now. Taking: {@code SET quantum:allocation:leader <instance> NX PX},
 * then {@code INCR quantum:allocation:epoch} (the token) and a read of the previous writer's state;
 * renewing: compare-and-expire; releasing: compare-and-delete (each a one-key script, so a runner
 * never extends or deletes another's lease).
 */
public final class Lease {

    /** 1 and the new expiry when the lease is ours, else 0. */
    static final String RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
            + "return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";
    /** 1 when our lease was deleted, else 0. */
    static final String RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
            + "return redis.call('DEL', KEYS[1]) else return 0 end";

    /**
     * The next epoch (DESIGN section 20: it never goes backwards): {@code INCR}, raised above ARGV[1] (the highest epoch the
     * runner has held or seen) when the key was missing or set back (a flush, a restart without persistence, a restore).
     */
    static final String NEXT_EPOCH = "local e = redis.call('INCR', KEYS[1]) local floor = tonumber(ARGV[1]) "
            + "if e <= floor then e = floor + 1 redis.call('SET', KEYS[1], e) end return e";

    private final RedisConnection connection;
    private final String instance;
    private final String ttlMillis;
    /** A heartbeat field older than this is a runner that stopped: deleted. */
    static final Duration PRUNE_AFTER = Duration.ofMinutes(10);

    /**
     * @param instance this runner's {@code P29_INSTANCE_ID}
     * @param ttl      {@code P29_LEASE_SEC}: how long the lease lives without renewal
     */
    public Lease(RedisConnection connection, String instance, Duration ttl) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.instance = Names.checkInstanceId(instance);
        if (ttl.toMillis() < 1) {
            throw new IllegalArgumentException("ttl: must be >= 1 ms, was " + ttl);
        }
        this.ttlMillis = Long.toString(ttl.toMillis());
    }

    /**
     * What the lease round trip gave: the role, Redis's clock and the other runners' heartbeats.
     *
     * @param role      the role this runner has now
     * @param serverNow Redis's {@code TIME} when the reply arrived: the reply's {@code TIME} plus half the round trip
     * @param localNow  this host's clock when the reply arrived (its offset from {@code serverNow} is the clock error)
     * @param peers     the other runners' last beats (fields that are not a {@link Beat} left out), by instance id
     */
    public record Tenure(Role role, Instant serverNow, Instant localNow, Map<String, Beat> peers) {
        public Tenure {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(serverNow, "serverNow");
            Objects.requireNonNull(localNow, "localNow");
            peers = Map.copyOf(peers);
        }

        /** This host's clock minus Redis's, in seconds (positive: this host is ahead). */
        public double clockOffsetSeconds() {
            return Duration.between(serverNow, localNow).toNanos() / 1e9;
        }
    }

    /**
     * Renews the lease when {@code current} leads and it is still ours; otherwise tries to take it.
     *
     * @throws RedisFailure when Redis cannot be reached (the role is then unknown; a write stays fenced)
     */
    public Role hold(Role current) {
        return hold(current, Optional.empty(), true, Clock.systemUTC()).role();
    }

    /**
     * The cycle's first round trip (DESIGN section 16): Redis's {@code TIME} (the service's one clock; in a
     * Cluster, the primary that holds the lease key), this runner's heartbeat ({@code mine}, written to
     * {@link Keys#RUNNERS}) and the others', and the lease: renewed when {@code current} leads and it is
     * still ours; otherwise taken when it is free and {@code contend} (a runner that cannot compute while
     * another can leaves it free). One round trip while leading or standing by; two when taking it.
     *
     * @param localClock this host's clock, read when the reply arrives, for the offset gauge only
     * @throws RedisFailure when Redis cannot be reached (the role is then unknown; a write stays fenced)
     */
    public Tenure hold(Role current, Optional<Beat> mine, boolean contend, Clock localClock) {
        return hold(current, mine, contend, localClock, 0);
    }

    /**
     * {@link #hold(Role, Optional, boolean, Clock)}, never taking an epoch at or below {@code epochFloor}: the highest epoch
     * the caller has held or seen (DESIGN section 20).
     */
    public Tenure hold(Role current, Optional<Beat> mine, boolean contend, Clock localClock, long epochFloor) {
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(mine, "mine");
        return connection.call(RedisFailure.Operation.LEASE, nodes -> {
            long sent = System.nanoTime();
            Reply<List<String>> time = nodes.pipeline(Keys.LEADER).time();
            if (mine.isPresent()) {
                nodes.pipeline(Keys.RUNNERS).hset(Keys.RUNNERS, instance, mine.get().encode());
                nodes.pipeline(Keys.RUNNERS).pexpire(Keys.RUNNERS, PRUNE_AFTER.toMillis()); // gone when every runner has stopped
            }
            Reply<Map<String, String>> beats = nodes.pipeline(Keys.RUNNERS).hgetAll(Keys.RUNNERS);
            boolean leading = current instanceof Role.Leader;
            Reply<Object> renewed = leading
                    ? nodes.pipeline(Keys.LEADER).eval(RENEW, List.of(Keys.LEADER), List.of(instance, ttlMillis)) : null;
            Reply<String> set = !leading && contend
                    ? nodes.pipeline(Keys.LEADER).setIfAbsent(Keys.LEADER, instance, Long.parseLong(ttlMillis)) : null;
            Reply<String> holder = leading ? null : nodes.pipeline(Keys.LEADER).get(Keys.LEADER);
            Reply<String> epoch = leading ? null : nodes.pipeline(Keys.EPOCH).get(Keys.EPOCH);
            nodes.sync();
            long received = System.nanoTime();
            Instant localNow = localClock.instant();
            Instant serverNow = serverTime(time.get()).plusNanos((received - sent) / 2);
            Map<String, String> beatHash = beats.orNullIfWrongType();
            Map<String, Beat> peers = peers(beatHash);
            Role role;
            if (leading && Long.valueOf(1).equals(renewed.get())) {
                role = new Role.Leader(((Role.Leader) current).fence(), Optional.empty());
            } else if (leading) {
                role = take(nodes, contend, epochFloor);
            } else if (set != null && "OK".equals(set.get())) {
                role = taken(nodes, epochFloor);
            } else if (contend && instance.equals(holder.get()) && renew(nodes)) {
                // Our own lease, held while this runner stood by: its write was fenced because the epoch moved
                // (deleted or set back by hand). Nobody else holds it, so this runner leads again at a new
                // epoch at once instead of waiting for its own lease to expire.
                role = taken(nodes, epochFloor);
            } else {
                role = standby(holder, epoch);
            }
            prune(nodes, beatHash, serverNow);
            return new Tenure(role, serverNow, localNow, peers);
        });
    }

    /** Redis's {@code TIME} reply: seconds and microseconds. */
    static Instant serverTime(List<String> time) {
        if (time == null || time.size() != 2) {
            throw new IllegalStateException("TIME: expected [seconds, microseconds], got " + time);
        }
        return Instant.ofEpochSecond(Long.parseLong(time.get(0)), Long.parseLong(time.get(1)) * 1_000L);
    }

    private Map<String, Beat> peers(Map<String, String> hash) {
        if (hash == null) {
            return Map.of(); // the wrong type: no peer is known, so no leader yields and every runner contends
        }
        Map<String, Beat> peers = new TreeMap<>();
        for (Map.Entry<String, String> e : hash.entrySet()) {
            if (!e.getKey().equals(instance)) {
                Beat.decode(e.getValue()).ifPresent(b -> peers.put(e.getKey(), b));
            }
        }
        return peers;
    }

    /**
     * Deletes the fields of runners silent for {@link #PRUNE_AFTER} (a stopped runner's pid-named id never
     * comes back): one more round trip, only in the cycle that finds one.
     */
    private void prune(Nodes nodes, Map<String, String> hash, Instant serverNow) {
        if (hash == null) {
            return;
        }
        List<String> gone = new ArrayList<>();
        for (Map.Entry<String, String> e : hash.entrySet()) {
            Optional<Beat> b = Beat.decode(e.getValue());
            if (!e.getKey().equals(instance) && (b.isEmpty() || b.get().at().plus(PRUNE_AFTER).isBefore(serverNow))) {
                gone.add(e.getKey());
            }
        }
        if (!gone.isEmpty()) {
            nodes.server(Keys.RUNNERS).hdel(Keys.RUNNERS, gone.toArray(new String[0]));
            nodes.countRoundTrip();
        }
    }

    private boolean renew(Nodes nodes) {
        Object renewed = nodes.server(Keys.LEADER).eval(RENEW, List.of(Keys.LEADER), List.of(instance, ttlMillis));
        nodes.countRoundTrip();
        return Long.valueOf(1).equals(renewed);
    }

    /** After a failed renewal: takes the lease when it is free and {@code contend}, else reports who holds it. */
    private Role take(Nodes nodes, boolean contend, long epochFloor) {
        Reply<String> set = contend
                ? nodes.pipeline(Keys.LEADER).setIfAbsent(Keys.LEADER, instance, Long.parseLong(ttlMillis)) : null;
        Reply<String> holder = nodes.pipeline(Keys.LEADER).get(Keys.LEADER);
        Reply<String> epoch = nodes.pipeline(Keys.EPOCH).get(Keys.EPOCH);
        nodes.sync();
        return set != null && "OK".equals(set.get()) ? taken(nodes, epochFloor) : standby(holder, epoch);
    }

    private static Role standby(Reply<String> holder, Reply<String> epoch) {
        return new Role.Standby(Optional.ofNullable(holder.get()), Values.epochSeconds(epoch.get()).orElse(0));
    }

    /** The lease is ours: the next epoch, above {@code epochFloor}, is our fencing token, and the previous writer's state is read. */
    private Role taken(Nodes nodes, long epochFloor) {
        Reply<Object> epoch = nodes.pipeline(Keys.EPOCH).eval(NEXT_EPOCH, List.of(Keys.EPOCH), List.of(Long.toString(epochFloor)));
        Reply<Map<String, String>> state = nodes.pipeline(Keys.STATE).hgetAll(Keys.STATE);
        nodes.sync();
        Map<String, String> stateHash = state.orNullIfWrongType();
        Decoded<StateHash> inherited = stateHash == null
                ? new Decoded.Invalid<>(Keys.STATE + ": holds the wrong Redis type") : StateHash.decode(stateHash);
        return new Role.Leader(new Fence(instance, (Long) epoch.get()), Optional.of(inherited));
    }

    /** Deletes the lease if {@code fence}'s instance still holds it (on SIGTERM), so a standby takes over at once. */
    public boolean release(Fence fence) {
        return connection.call(RedisFailure.Operation.LEASE, nodes -> {
            Object deleted = nodes.server(Keys.LEADER).eval(RELEASE, List.of(Keys.LEADER), List.of(fence.instance()));
            nodes.countRoundTrip();
            return Long.valueOf(1).equals(deleted);
        });
    }

}
