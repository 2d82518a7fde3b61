package com.quantumtrader.allocation.redis.client;

import java.util.Objects;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Protocol;

/** One command to send: its name and arguments, built in order ({@link Batch#send}, {@link Server#exchange}). */
public final class Command {

    /** The commands the service sends whole (the others have a method of {@link Batch} or {@link Server}). */
    public enum Name {
        DEL, HSET, HDEL, EXPIRE, XADD, WATCH, EVAL, MULTI, EXEC, DISCARD;

        private final Protocol.Command jedis = Protocol.Command.valueOf(name());
    }

    final CommandArguments args;

    private Command(Name name) {
        this.args = new CommandArguments(name.jedis);
    }

    /** A command with no argument yet. */
    public static Command of(Name name) {
        return new Command(Objects.requireNonNull(name, "name"));
    }

    /** Adds a key (the first one routes the command in a Cluster). */
    public Command key(Arg key) {
        args.add(key);
        return this;
    }

    /** Adds a key. */
    public Command key(String key) {
        args.key(key);
        return this;
    }

    /** Adds an argument. */
    public Command add(Arg arg) {
        args.add(arg);
        return this;
    }

    /** Adds arguments. */
    public Command add(Arg[] more) {
        for (Arg a : more) {
            args.add(a);
        }
        return this;
    }

    /** Adds an argument, UTF-8 encoded. */
    public Command add(String arg) {
        args.add(arg);
        return this;
    }

    /** Adds a number. */
    public Command add(long n) {
        args.add(n);
        return this;
    }
}
