package io.digitloc.testing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP relay between S3A and the S3 server that counts the server-side copies (PUT with
 * {@code x-amz-copy-source}, what S3A's rename sends for each object) into one key prefix, lets the first
 * {@code n} through and holds every later one unanswered. A run renaming into that prefix then stops after
 * exactly {@code n} objects are in place, whatever the timing: a kill point that a watcher of the bucket,
 * racing ten parallel copies of small objects, could not make deterministic. Held requests never reach
 * the server; {@link #limit} or {@link #close} drops them.
 */
public final class CopyGate implements AutoCloseable {
    private final ServerSocket listener;
    private final int upstream;
    private final List<Socket> sockets = new ArrayList<>();
    private String prefix = "";
    private int allowed = Integer.MAX_VALUE;
    private int copies;
    private int held;
    private long generation;

    private CopyGate(ServerSocket listener, int upstream) {
        this.listener = listener;
        this.upstream = upstream;
    }

    /** A gate in front of the server at 127.0.0.1:{@code upstreamPort}, letting everything through. */
    public static CopyGate start(int upstreamPort) throws IOException {
        CopyGate gate = new CopyGate(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), upstreamPort);
        Thread t = new Thread(gate::accept, "copy-gate");
        t.setDaemon(true);
        t.start();
        return gate;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    /**
     * From now on lets {@code n} copies into {@code pathPrefix} ({@code /bucket/key/}) through and holds the
     * rest; requests held under an earlier limit are dropped.
     */
    public synchronized void limit(String pathPrefix, int n) {
        prefix = pathPrefix;
        allowed = n;
        copies = 0;
        held = 0;
        generation++;
        notifyAll();
    }

    /** Waits until a copy is held (true), or {@code p} ends or {@code seconds} pass (false). */
    public synchronized boolean awaitHeld(Process p, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (held == 0 && p.isAlive() && System.nanoTime() < deadline) {
            wait(200);
        }
        return held > 0;
    }

    /** Copies into the prefix seen since the last {@link #limit}, held ones included. */
    public synchronized int copies() {
        return copies;
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            try {
                Socket server = new Socket(InetAddress.getLoopbackAddress(), upstream);
                synchronized (this) {
                    sockets.add(client);
                    sockets.add(server);
                }
                daemon(() -> requests(client, server));
                daemon(() -> pipe(server, client));
            } catch (IOException e) {
                close(client); // the server did not answer: so the client learns
            }
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "copy-gate-relay");
        t.setDaemon(true);
        t.start();
    }

    /** Relays the client's requests one by one, holding a copy beyond the limit. */
    private void requests(Socket client, Socket server) {
        try (client; server) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = new BufferedOutputStream(server.getOutputStream());
            for (byte[] head; (head = head(in)) != null; ) {
                String text = new String(head, StandardCharsets.ISO_8859_1);
                if (isCopy(text) && !pass()) {
                    return; // held until dropped; the request never reaches the server
                }
                out.write(head);
                out.flush(); // before the body: a client sending "Expect: 100-continue" waits for the answer
                body(text, in, out);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // a side closed the connection: a killed client, or close()
        }
    }

    private boolean isCopy(String head) {
        String line = head.substring(0, head.indexOf('\r'));
        String[] parts = line.split(" ");
        String path;
        synchronized (this) {
            path = prefix;
        }
        return parts.length == 3 && parts[0].equals("PUT") && parts[1].startsWith(path)
                && head.toLowerCase(Locale.ROOT).contains("\r\nx-amz-copy-source:");
    }

    /** Counts a copy; true when it may pass, else waits (holding it) until a new limit or close. */
    private synchronized boolean pass() throws InterruptedException {
        copies++;
        if (copies <= allowed) {
            return true;
        }
        held++;
        notifyAll();
        long mine = generation;
        while (mine == generation && !listener.isClosed()) {
            wait(200);
        }
        return false;
    }

    /** The request line and headers up to the blank line, or null at the end of the stream. */
    private static byte[] head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int b; (b = in.read()) >= 0; ) {
            head.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
            if (matched == 4) {
                return head.toByteArray();
            }
        }
        return null;
    }

    /** Relays a request's body: Content-Length bytes, or chunks until the last one. */
    private static void body(String head, InputStream in, OutputStream out) throws IOException {
        String lower = head.toLowerCase(Locale.ROOT);
        if (lower.contains("\r\ntransfer-encoding: chunked")) {
            for (long size = -1; size != 0; ) {
                String line = line(in);
                out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                size = Long.parseLong(line.split(";")[0].trim(), 16);
                copy(in, out, size);
                out.write(line(in).getBytes(StandardCharsets.ISO_8859_1)); // the CRLF after the chunk
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            return;
        }
        int at = lower.indexOf("\r\ncontent-length:");
        if (at >= 0) {
            int end = lower.indexOf('\r', at + 2);
            copy(in, out, Long.parseLong(lower.substring(at + 17, end).trim()));
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("the connection ended inside a chunked body");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static void copy(InputStream in, OutputStream out, long n) throws IOException {
        byte[] buffer = new byte[1 << 16];
        for (long left = n; left > 0; ) {
            int r = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (r < 0) {
                throw new IOException("the connection ended inside a body");
            }
            out.write(buffer, 0, r);
            left -= r;
        }
    }

    /** The server's answers, byte for byte. */
    private static void pipe(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // closed
        } finally {
            close(to);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        listener.close();
        notifyAll();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
