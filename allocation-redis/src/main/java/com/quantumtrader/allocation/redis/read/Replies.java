package com.quantumtrader.allocation.redis.read;

import com.quantumtrader.allocation.redis.client.Reply;
import com.quantumtrader.allocation.redis.client.ReplyError;
import com.quantumtrader.allocation.redis.client.StreamRecord;

import com.quantumtrader.allocation.redis.wire.ControlHash;
import com.quantumtrader.allocation.redis.wire.Decoded;
import com.quantumtrader.allocation.redis.wire.InputCodec;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.wire.ScopedControls;
import com.quantumtrader.allocation.redis.client.Nodes;

import com.quantumtrader.allocation.core.DataSource;
import com.quantumtrader.allocation.core.RejectReason;
import com.quantumtrader.allocation.core.Regime;
import com.quantumtrader.allocation.core.RegimeState;
import com.quantumtrader.allocation.core.Rejection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How {@link InputReader} reads Redis's replies: a wrong type or an ACL refusal is a rejection or an unreadable control, never
 * a failed cycle; the bounded second round trip of the hashes read whole; the regime's newest valid entry; the dataset token.
 * Stateless.
 */
final class Replies {

    private Replies() {
    }

    /**
     * The dataset token from its replies. The SET's own reply is not needed (an ACL without {@code +set} on the key, a replica's
     * READONLY, an OOM: the token already there or not, the GET says); a GET denied or of the wrong type: unknown, and the
     * state hash alone witnesses the dataset, as before this key.
     */
    static Optional<String> datasetToken(Reply<String> set, Reply<String> get) {
        try {
            set.get();
        } catch (ReplyError e) {
            // see above: the GET decides
        }
        try {
            return Optional.ofNullable(get.orNullIfWrongType());
        } catch (ReplyError e) {
            if (!e.isDenied()) {
                throw e;
            }
            return Optional.empty();
        }
    }

    static boolean allNull(List<String> values) {
        for (String v : values) {
            if (v != null) {
                return false;
            }
        }
        return true;
    }

    /** A reply, or null after rejecting a WRONGTYPE reply. Any other error is Redis failing: rethrown. */
    static <T> T get(Reply<T> response, DataSource source, String subject, List<Rejection> rejections) {
        try {
            return response.get();
        } catch (ReplyError e) {
            if (!e.isWrongType()) {
                throw e;
            }
            rejections.add(new Rejection(source, RejectReason.WRONG_TYPE, subject, "key holds the wrong Redis type"));
            return null;
        }
    }

    /**
     * A budget's {@code PTTL}; an ACL written before this release (no {@code +pttl}) must not fail every cycle: then the
     * expiry is not known (-1) and the key counts as changed only when Redis deletes it, as in the third release.
     */
    static long ttl(Reply<Long> response) {
        try {
            Long ms = response.get();
            return ms == null ? -1 : ms;
        } catch (ReplyError e) {
            if (!e.isDenied()) {
                throw e;
            }
            return -1;
        }
    }


    /**
     * Of the regime stream's last entries, newest first, the newest that decodes to a known regime with a time; each
     * newer one it passes over is rejected (counted and logged with the reason, and which entry applies instead). None
     * valid: the newest, so the rules fall back to 1.0 with its reason (DESIGN section 2, rule 3).
     */
    static StreamRecord newestValidRegime(List<StreamRecord> entries, List<Rejection> rejections) {
        List<Rejection> passedOver = new ArrayList<>();
        for (StreamRecord entry : entries) {
            List<Rejection> own = new ArrayList<>();
            Optional<RegimeState> state = InputCodec.decodeRegime(entry.fields(),
                    Optional.of(Instant.ofEpochMilli(entry.millis())), own);
            if (state.isPresent() && state.get().regime() != Regime.UNKNOWN) {
                String instead = "; the entry before it, " + entry.millis() + "-" + entry.sequence() + " (" + state.get().regime() + "), applies";
                for (Rejection r : passedOver) {
                    rejections.add(new Rejection(r.source(), r.reason(), r.subject(), r.detail() + instead));
                }
                return entry;
            }
            for (Rejection r : own) {
                passedOver.add(new Rejection(r.source(), r.reason(), r.subject(), "entry " + entry.millis() + "-" + entry.sequence() + ": "
                        + r.detail()));
            }
        }
        return entries.get(0); // none valid: its own decoding rejects it again
    }

    /**
     * The most fields of {@code quantum:portfolio:clusters} a read takes (the live stack writes one per cluster, tens of
     * them): beyond it the hash is rejected whole, counted and logged, and the other cluster sources apply.
     */
    static final int MAX_DISCOVERED_CLUSTERS = 10_000;

    static final String DENIED = ": the service's Redis user may not read it (NOPERM): add the key to its ACL (docs/security.md)";

    /** The control hash from its HLEN and HMGET: wrong type and NOPERM are unreadable (the held control stays), not absent. */
    static Decoded<ControlHash> control(Reply<Long> length, Reply<List<String>> fields) {
        try {
            Long n = length.orNullIfWrongType();
            List<String> values = fields.orNullIfWrongType();
            if (n == null || values == null) {
                return new Decoded.Invalid<>(ControlHash.WRONG_TYPE);
            }
            return ControlHash.decode(n, Reply.fields(values, ControlHash.FIELDS));
        } catch (ReplyError e) {
            if (!e.isDenied()) {
                throw e;
            }
            return new Decoded.Invalid<>(Keys.CONTROL + DENIED);
        }
    }

    /** The scoped controls and the discovered clusters, each read whole only within its bound. */
    record Bounded(ScopedControls scoped, Map<String, String> discovered) {
    }

    /**
     * The second round trip, only when either hash has fields within its bound: {@code HGETALL} of each. An oversized,
     * wrong-typed or denied scoped-controls hash is {@link ScopedControls#unreadable}; such a discovered-clusters hash is
     * rejected ({@code data_source="cluster_map"}) and read as empty.
     */
    static Bounded readBounded(Nodes nodes, Reply<Long> scopedLength, Reply<Long> discoveredLength, List<Rejection> rejections) {
        String scopedProblem = null;
        long scopedFields = 0;
        try {
            Long n = scopedLength.orNullIfWrongType();
            if (n == null) {
                scopedProblem = Keys.SCOPED_CONTROLS + ": holds the wrong Redis type (must be a hash)";
            } else if (n > ScopedControls.MAX_FIELDS) {
                scopedProblem = Keys.SCOPED_CONTROLS + ": holds " + n + " fields, more than " + ScopedControls.MAX_FIELDS
                        + " (not read: delete the key, then set the controls again)";
            } else {
                scopedFields = n;
            }
        } catch (ReplyError e) {
            if (!e.isDenied()) {
                throw e;
            }
            scopedProblem = Keys.SCOPED_CONTROLS + DENIED;
        }
        Long discoveredFields = getOptional(discoveredLength, DataSource.CLUSTER_MAP, Keys.DISCOVERED_CLUSTERS, rejections);
        if (discoveredFields != null && discoveredFields > MAX_DISCOVERED_CLUSTERS) {
            rejections.add(new Rejection(DataSource.CLUSTER_MAP, RejectReason.INVALID_VALUE, Keys.DISCOVERED_CLUSTERS, "holds "
                    + discoveredFields + " fields, more than " + MAX_DISCOVERED_CLUSTERS + ": not read, the other cluster sources apply"));
            discoveredFields = null;
        }
        Reply<Map<String, String>> scopedResponse = scopedFields > 0 ? nodes.pipeline(Keys.SCOPED_CONTROLS).hgetAll(Keys.SCOPED_CONTROLS) : null;
        Reply<Map<String, String>> discoveredResponse = discoveredFields != null && discoveredFields > 0
                ? nodes.pipeline(Keys.DISCOVERED_CLUSTERS).hgetAll(Keys.DISCOVERED_CLUSTERS) : null;
        if (scopedResponse != null || discoveredResponse != null) {
            nodes.sync();
        }
        ScopedControls scoped = scopedProblem != null ? ScopedControls.unreadable(scopedProblem) : ScopedControls.NONE;
        if (scopedResponse != null) {
            Map<String, String> hash = scopedResponse.orNullIfWrongType(); // changed type between the round trips: unreadable
            scoped = hash == null ? ScopedControls.unreadable(Keys.SCOPED_CONTROLS + ": holds the wrong Redis type (must be a hash)")
                    : hash.size() > ScopedControls.MAX_FIELDS ? ScopedControls.unreadable(Keys.SCOPED_CONTROLS + ": grew past "
                    + ScopedControls.MAX_FIELDS + " fields while read") : ScopedControls.decode(hash);
        }
        Map<String, String> discovered = discoveredResponse == null ? null
                : getOptional(discoveredResponse, DataSource.CLUSTER_MAP, Keys.DISCOVERED_CLUSTERS, rejections);
        return new Bounded(scoped, discovered == null ? Map.of() : discovered);
    }

    /**
     * A reply of an optional input (the live stack's discovered clusters), or null after rejecting a WRONGTYPE or
     * an ACL NOPERM reply ({@code denied}): an ACL written before the service read these keys must not fail every
     * cycle, which would let every target expire. Any other error is Redis failing: rethrown.
     */
    static <T> T getOptional(Reply<T> response, DataSource source, String subject, List<Rejection> rejections) {
        try {
            return get(response, source, subject, rejections);
        } catch (ReplyError e) {
            if (!e.isDenied()) {
                throw e;
            }
            rejections.add(new Rejection(source, RejectReason.DENIED, subject,
                    "the service's Redis user may not read it (NOPERM): add the key to its ACL (docs/security.md)"));
            return null;
        }
    }
}
