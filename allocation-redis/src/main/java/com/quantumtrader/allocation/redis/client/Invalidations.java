package com.quantumtrader.allocation.redis.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Which keys under some prefixes changed, told by Redis itself: server-assisted client-side caching in broadcast mode
 * ({@code CLIENT TRACKING ON REDIRECT <own id> BCAST PREFIX ...}, Redis 6+, RESP2) on one connection of its own,
 * subscribed to {@code __redis__:invalidate}. A thread ({@code allocation-invalidations}) reads the messages: each key
 * goes into the dirty set and to the listener; a {@code FLUSHALL}/{@code FLUSHDB} (a null message) marks everything
 * dirty.
 *
 * <p>{@link #drain} is the barrier of a cycle: it sends a {@code PING} on the same connection and waits for its
 * {@code pong}, so every invalidation of a write that completed before the call has been read; it then hands over the
 * dirty set. A link that breaks or does not answer in time is {@link Drained.Lost} and stays lost: the caller drops
 * what it cached and opens a new link. Jedis's own client-side cache is not used: it needs Redis 7.4 and RESP3, and
 * the deployments this service supports start at Redis 6.2.
 */
public final class Invalidations implements AutoCloseable {

    /** The channel Redis sends a RESP2 redirect's invalidations to. */
    static final String CHANNEL = "__redis__:invalidate";

    /** What one barrier found. */
    public sealed interface Drained permits Drained.Changed, Drained.Lost {
        /**
         * @param keys       the keys invalidated since the last drain
         * @param everything a flush (FLUSHALL, FLUSHDB, a SWAPDB...) invalidated every key
         */
        record Changed(Set<String> keys, boolean everything) implements Drained {
            public Changed {
                keys = Set.copyOf(keys);
            }
        }

        /** The link broke or did not answer: an invalidation may have been missed. */
        record Lost(String reason) implements Drained {
            public Lost {
                Objects.requireNonNull(reason, "reason");
            }
        }
    }

    private final Link link;
    private final String address;
    private final Duration timeout;
    private final Consumer<String> listener;
    private final Object lock = new Object();
    private final Thread thread;
    /** Guarded by lock. */
    private Set<String> dirty = new HashSet<>();
    private boolean everything;
    private long pingsSent;
    private long pongsSeen;
    private String lost;

    private Invalidations(Link link, String address, Duration timeout, Consumer<String> listener) {
        this.link = link;
        this.address = address;
        this.timeout = timeout;
        this.listener = listener;
        this.thread = new Thread(this::readLoop, "allocation-invalidations");
        this.thread.setDaemon(true);
    }

    /**
     * Opens the link and turns tracking on for {@code prefixes}.
     *
     * @param listener told each invalidated key, and {@code null} for a flush, on the link's thread; it must not block
     * @throws RedisFailure when the server cannot be reached or refuses (an old Redis, an ACL without
     *                      {@code client|tracking}, {@code subscribe} or the channel)
     */
    static Invalidations open(HostAndPort primary, JedisClientConfig config, List<String> prefixes, Duration timeout,
                              Consumer<String> listener) {
        Link link = null;
        try {
            link = new Link(primary, config);
            Object id = link.executeCommand(new CommandArguments(Protocol.Command.CLIENT).add("ID"));
            CommandArguments tracking = new CommandArguments(Protocol.Command.CLIENT).add("TRACKING").add("ON").add("REDIRECT")
                    .add(String.valueOf(id)).add("BCAST");
            for (String prefix : prefixes) {
                tracking.add("PREFIX").add(prefix);
            }
            link.executeCommand(tracking);
            link.send(new CommandArguments(Protocol.Command.SUBSCRIBE).add(CHANNEL));
            Object confirmation = link.getUnflushedObject();
            if (!(confirmation instanceof List<?> reply) || reply.isEmpty() || !"subscribe".equals(text(reply.get(0)))) {
                throw new RedisFailure(RedisFailure.Operation.READ, "SUBSCRIBE " + CHANNEL + " answered " + confirmation, null);
            }
            link.setTimeoutInfinite(); // the barrier's deadline, not the socket's, decides when the link is lost
            Invalidations invalidations = new Invalidations(link, primary.toString(), timeout, listener);
            invalidations.thread.start();
            return invalidations;
        } catch (JedisException | ClassCastException e) {
            if (link != null) {
                link.close();
            }
            throw new RedisFailure(RedisFailure.Operation.READ, "client tracking: " + RedisFailure.describe(e), e);
        } catch (RuntimeException e) {
            if (link != null) {
                link.close();
            }
            throw e;
        }
    }

    /** {@code host:port} of the server whose changes this link hears. */
    public String address() {
        return address;
    }

    /** Whether the link still hears every change (false once it broke or missed a barrier's deadline). */
    public boolean alive() {
        synchronized (lock) {
            return lost == null;
        }
    }

    /**
     * The barrier: {@code PING} on the link, wait for its reply (every invalidation sent before it has then been read), and
     * hand over the keys invalidated since the last drain. At most the link's timeout.
     */
    public Drained drain() {
        String lostNow = awaitPong();
        if (lostNow != null) {
            return new Drained.Lost(lostNow);
        }
        synchronized (lock) {
            Drained.Changed changed = new Drained.Changed(dirty, everything);
            dirty = new HashSet<>();
            everything = false;
            return changed;
        }
    }

    /**
     * The barrier alone: {@code PING} on the link and wait for its reply, so every invalidation Redis sent before it
     * has been read and told to the listener. At most the link's timeout.
     *
     * @return false when the link is lost (now or before)
     */
    public boolean barrier() {
        return awaitPong() == null;
    }

    /** Sends a {@code PING} and waits for its {@code pong}; null when it came, else why the link is lost. */
    private String awaitPong() {
        long token;
        synchronized (lock) {
            if (lost != null) {
                return lost;
            }
            token = ++pingsSent;
        }
        try {
            link.send(new CommandArguments(Protocol.Command.PING).add(Long.toString(token)));
        } catch (JedisException e) {
            return lose("PING failed: " + RedisFailure.describe(e)).reason();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            long wait;
            while (lost == null && pongsSeen < token && (wait = deadline - System.nanoTime()) > 0) {
                try {
                    lock.wait(Math.max(1, wait / 1_000_000), 0);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (lost == null && pongsSeen >= token) {
                return null;
            }
        }
        return lose(alive() ? "no reply to PING within " + timeout.toMillis() + " ms" : lostReason()).reason();
    }

    private String lostReason() {
        synchronized (lock) {
            return lost;
        }
    }

    private Drained.Lost lose(String reason) {
        synchronized (lock) {
            if (lost == null) {
                lost = reason;
            }
            lock.notifyAll();
        }
        closeLink(); // the reading thread ends on the closed socket
        return new Drained.Lost(lostReason());
    }

    private void readLoop() {
        try {
            while (true) {
                Object message = link.getUnflushedObject();
                if (!(message instanceof List<?> parts) || parts.size() < 2) {
                    continue;
                }
                String type = text(parts.get(0));
                if ("message".equals(type) && parts.size() == 3) {
                    Object payload = parts.get(2);
                    if (payload instanceof List<?> keys) {
                        synchronized (lock) {
                            for (Object key : keys) {
                                dirty.add(text(key));
                            }
                        }
                        for (Object key : keys) {
                            listener.accept(text(key));
                        }
                    } else if (payload == null) {
                        synchronized (lock) {
                            everything = true;
                        }
                        listener.accept(null);
                    } else {
                        String key = text(payload); // a single key as a bulk string (some servers send one alone)
                        synchronized (lock) {
                            dirty.add(key);
                        }
                        listener.accept(key);
                    }
                } else if ("pong".equals(type)) {
                    long token = Long.parseLong(text(parts.get(1)));
                    synchronized (lock) {
                        pongsSeen = Math.max(pongsSeen, token);
                        lock.notifyAll();
                    }
                }
            }
        } catch (RuntimeException e) {
            synchronized (lock) {
                if (lost == null) {
                    lost = "link lost: " + RedisFailure.describe(e);
                }
                lock.notifyAll();
            }
            closeLink();
            listener.accept(null); // whatever was cached can no longer be vouched for
        }
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (lost == null) {
                lost = "closed";
            }
            lock.notifyAll();
        }
        closeLink();
    }

    /** Closes the socket; a second close (the reading thread's, a barrier's and the owner's may meet) is not an error. */
    private void closeLink() {
        try {
            link.close();
        } catch (JedisException e) {
            // already closed by another path: nothing left to release
        }
    }

    /** A Jedis connection (its login, TLS and timeouts) whose commands this class sends and flushes itself, one writer at a time. */
    private static final class Link extends Connection {
        Link(HostAndPort primary, JedisClientConfig config) {
            super(primary, config);
        }

        synchronized void send(CommandArguments args) {
            sendCommand(args);
            flush();
        }
    }
}
