package com.quantumtrader.allocation.runner;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy the chaos test controls, between one runner and Redis: it passes, delays every chunk,
 * black-holes (holds every byte both ways), or half-opens (requests reach Redis, replies never come
 * back). Leaving a black hole or a half-open link closes the connections it held, as the real fault
 * ends (timeouts, then a reset); the client reconnects.
 */
final class ChaosProxy implements AutoCloseable {

    enum Mode { PASS, DELAY, BLACKHOLE, HALF_OPEN }

    private final ServerSocket server;
    private final int target;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile Mode mode = Mode.PASS;
    private volatile long delayMillis;
    private volatile boolean closed;

    ChaosProxy(int targetPort) throws IOException {
        this.target = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "chaos-proxy-" + server.getLocalPort());
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    Mode mode() {
        return mode;
    }

    /** Switches the link; leaving BLACKHOLE or HALF_OPEN drops the connections they held. */
    void set(Mode next, long delay) {
        Mode before = mode;
        delayMillis = delay;
        mode = next;
        if ((before == Mode.BLACKHOLE || before == Mode.HALF_OPEN) && next != before) {
            for (Socket s : open) {
                closeQuietly(s);
            }
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                open.add(client);
                open.add(upstream);
                pump(client, upstream, true);
                pump(upstream, client, false);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean request) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    while (mode == Mode.BLACKHOLE || (mode == Mode.HALF_OPEN && !request)) {
                        Thread.sleep(20); // hold the bytes: nothing gets through this way
                        if (from.isClosed() || to.isClosed()) {
                            return;
                        }
                    }
                    if (mode == Mode.DELAY) {
                        Thread.sleep(delayMillis);
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the link ended
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "chaos-pump-" + (request ? "up-" : "down-") + from.getPort());
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
    }
}
