package com.quantumtrader.allocation.redis.client;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import redis.clients.jedis.args.Rawable;

/**
 * One command argument as bytes, handed to Jedis as they are (Jedis's own wrapper copies them once more;
 * a 10,000-symbol cycle sends some 100,000 arguments). Never changed after construction.
 */
public final class Arg implements Rawable {

    /** No arguments. */
    public static final Arg[] NONE = new Arg[0];

    private final byte[] raw;

    private Arg(byte[] raw) {
        this.raw = raw;
    }

    /** The UTF-8 bytes of {@code s}. */
    public static Arg of(String s) {
        return new Arg(s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public byte[] getRaw() {
        return raw;
    }

    /**
     * Strings encoded once for the process (field names, constant arguments): {@link #of(String)} gives the
     * shared bytes of a listed string, and encodes any other.
     */
    public static final class Table {
        private final Map<String, Arg> constants;

        public Table(Collection<String> strings) {
            Map<String, Arg> m = new HashMap<>();
            for (String s : strings) {
                m.put(Objects.requireNonNull(s, "string"), Arg.of(s));
            }
            this.constants = Map.copyOf(m);
        }

        /** {@code s}'s bytes: shared when it is in the table. */
        public Arg of(String s) {
            Arg constant = constants.get(s);
            return constant != null ? constant : Arg.of(s);
        }

        /** {@link #of(String)} of each. */
        public Arg[] all(String[] strings) {
            Arg[] out = new Arg[strings.length];
            for (int i = 0; i < strings.length; i++) {
                out[i] = of(strings[i]);
            }
            return out;
        }
    }
}
