package io.digitloc.testing;

import io.digitloc.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/** Runs the CLI in this JVM and captures what it prints. */
public final class Cli {
    private Cli() {
    }

    /** Exit code, standard output and standard error of one command. */
    public record Run(int code, String out, String err) {
    }

    public static synchronized Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true));
            System.setErr(new PrintStream(err, true));
            return new Run(Main.execute(args), out.toString(), err.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
