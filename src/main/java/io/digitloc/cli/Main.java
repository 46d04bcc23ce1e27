package io.digitloc.cli;

import io.digitloc.config.SettingsException;
import io.digitloc.io.BuildInfo;
import io.digitloc.platform.NativeSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine;

import java.io.PrintWriter;

/** The one entry point: {@code digitloc <subcommand> [options]}, also what spark-submit runs. */
@Command(name = "digitloc", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Distributed MNIST digit classification and localisation on Spark with DL4J.",
        subcommands = {GenerateCommand.class, TrainCommand.class, PipelineCommand.class, EvaluateCommand.class, PredictCommand.class, ScoreCommand.class, ExportCommand.class, RetrainCommand.class, BenchmarkCommand.class},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:success (retrain: promoted)", "1:the job failed (bad input, I/O, training error)",
                "2:invalid options or settings", "3:retrain finished, not promoted", "4:retrain skipped: registry locked"})
public final class Main implements Runnable {
    /** Exit code of a failed job. */
    public static final int FAILED = 1;
    /** Exit code of a usage or settings error. */
    public static final int USAGE = 2;

    public static void main(String[] args) {
        int code = executeOrFail(args);
        if (inYarnApplicationMaster()) {
            // YARN's application master reports the run's status when main returns or throws; an exit
            // from here runs its shutdown hook first, and every run would be reported FAILED
            if (code != 0) {
                throw new IllegalStateException("digitloc: exit code " + code);
            }
            return;
        }
        System.exit(code);
    }

    /** The driver of a YARN cluster-mode run: in a container, with the master's properties set by the AM. */
    static boolean inYarnApplicationMaster() {
        return System.getenv("CONTAINER_ID") != null && System.getProperty("spark.master", "").startsWith("yarn")
                && "cluster".equals(System.getProperty("spark.submit.deployMode"));
    }

    /**
     * {@link #execute}, an {@link Error} (out of memory, a class gone from under a running JVM) included:
     * it is reported and fails the run, where it would otherwise end only the main thread and leave the JVM
     * hanging on Spark's threads, never exiting (a scheduled retrain waiting forever).
     */
    static int executeOrFail(String... args) {
        try {
            return execute(args);
        } catch (Throwable t) {
            System.err.println("error: " + t);
            t.printStackTrace();
            return FAILED;
        }
    }

    /** Runs the CLI and returns the exit code (tests call this instead of main). */
    public static int execute(String... args) {
        NativeSetup.configure();
        publishDefaults();
        CommandLine cli = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
        cli.setResourceBundle(new SettingsHelp());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            err.println("error: " + describe(e));
            err.flush();
            if (Boolean.getBoolean("digitloc.stacktrace")) {
                e.printStackTrace(err);
            }
            return e instanceof SettingsException ? USAGE : FAILED;
        });
        return cli.execute(args);
    }

    /**
     * Every default setting as a system property {@code digitloc.default.<path>}, which option help reads
     * ({@code ${sys:digitloc.default.train.epochs}}): the defaults are typed once, in conf/pipeline.conf.
     */
    static void publishDefaults() {
        com.typesafe.config.Config defaults = com.typesafe.config.ConfigFactory.parseString(
                io.digitloc.config.Settings.defaults().rendered());
        for (var e : defaults.entrySet()) {
            Object v = e.getValue().unwrapped();
            String text = v instanceof java.util.List<?> l
                    ? String.join(",", l.stream().map(String::valueOf).toList()) : String.valueOf(v);
            System.setProperty("digitloc.default." + e.getKey(), text.isEmpty() ? "\"\"" : text);
        }
    }

    /** The message of the first exception in the chain that has one worth showing. */
    static String describe(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"digitloc " + BuildInfo.version() + " (Spark " + BuildInfo.get("spark") + ", DL4J "
                    + BuildInfo.get("dl4j") + ", backend " + BuildInfo.get("nd4j-backend") + ")"};
        }
    }
}
