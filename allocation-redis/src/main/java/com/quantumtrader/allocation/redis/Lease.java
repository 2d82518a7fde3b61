package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.core.Scalars;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.SetParams;

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

    private final RedisConnection connection;
    private final String instance;
    private final String ttlMillis;

    /**
     * @param instance this runner's {@code P29_INSTANCE_ID}
     * @param ttl      {@code P29_LEASE_SEC}: how long the lease lives without renewal
     */
    public Lease(RedisConnection connection, String instance, Duration ttl) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.instance = checkInstanceId(instance);
        if (ttl.toMillis() < 1) {
            throw new IllegalArgumentException("ttl: must be >= 1 ms, was " + ttl);
        }
        this.ttlMillis = Long.toString(ttl.toMillis());
    }

    /**
     * Renews the lease when {@code current} leads and it is still ours; otherwise tries to take it.
     * One round trip while leading or while another holds it; two when taking it.
     *
     * @throws RedisFailure when Redis cannot be reached (the role is then unknown; a write stays fenced)
     */
    public Role hold(Role current) {
        return connection.call(RedisFailure.Operation.LEASE, nodes -> {
            if (current instanceof Role.Leader leader) {
                Object renewed = nodes.node(Keys.LEADER).eval(RENEW, List.of(Keys.LEADER), List.of(instance, ttlMillis));
                connection.countRoundTrip();
                if (Long.valueOf(1).equals(renewed)) {
                    return new Role.Leader(leader.fence(), Optional.empty());
                }
            }
            return take(nodes);
        });
    }

    private Role take(Nodes nodes) {
        Response<String> set = nodes.pipeline(Keys.LEADER).set(Keys.LEADER, instance, SetParams.setParams().nx().px(Long.parseLong(ttlMillis)));
        Response<String> holder = nodes.pipeline(Keys.LEADER).get(Keys.LEADER);
        Response<String> current = nodes.pipeline(Keys.EPOCH).get(Keys.EPOCH);
        nodes.sync();
        if (!"OK".equals(set.get())) {
            return new Role.Standby(Optional.ofNullable(holder.get()), TargetHash.epochSeconds(current.get()).orElse(0));
        }
        Response<Long> epoch = nodes.pipeline(Keys.EPOCH).incr(Keys.EPOCH);
        Response<Map<String, String>> state = nodes.pipeline(Keys.STATE).hgetAll(Keys.STATE);
        nodes.sync();
        Map<String, String> stateHash = InputReader.orNullIfWrongType(state);
        Decoded<StateHash> inherited = stateHash == null
                ? new Decoded.Invalid<>(Keys.STATE + ": holds the wrong Redis type") : StateHash.decode(stateHash);
        return new Role.Leader(new Fence(instance, epoch.get()), Optional.of(inherited));
    }

    /** Deletes the lease if {@code fence}'s instance still holds it (on SIGTERM), so a standby takes over at once. */
    public boolean release(Fence fence) {
        return connection.call(RedisFailure.Operation.LEASE, nodes -> {
            Object deleted = nodes.node(Keys.LEADER).eval(RELEASE, List.of(Keys.LEADER), List.of(fence.instance()));
            connection.countRoundTrip();
            return Long.valueOf(1).equals(deleted);
        });
    }

    /** An instance id: 1-128 characters of {@code [A-Za-z0-9._:-]} (a host name, a pid, a pod name). */
    public static String checkInstanceId(String id) {
        if (id == null || id.isEmpty() || id.length() > 128 || !id.chars().allMatch(c -> (c >= 'A' && c <= 'Z')
                || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' || c == '-')) {
            throw new IllegalArgumentException("P29_INSTANCE_ID: must be 1-128 characters of [A-Za-z0-9._:-], was '"
                    + Scalars.printable(id) + "'");
        }
        return id;
    }
}
