package io.digitloc.cli;

import io.digitloc.config.RetrainSettings;
import io.digitloc.config.Settings;
import io.digitloc.config.SettingsException;
import io.digitloc.data.GenerateJob;
import io.digitloc.io.HadoopConf;
import io.digitloc.registry.RetrainJob;
import io.digitloc.registry.RunLock;
import io.digitloc.spark.ClusterPaths;
import io.digitloc.spark.SparkSessions;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code retrain}: scheduled retraining into the model registry. */
@Command(name = "retrain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Retrain for schedulers: take the registry lock, reuse the dataset when its manifest matches "
                + "the settings (else regenerate it), train a new run (fresh, --warm-start from the champion, or "
                + "--resume an interrupted one), evaluate it, promote it to champion only if it is not worse on "
                + "digitloc.retrain.promote-metrics, and prune old runs.",
                "Exit codes: 0 promoted; 3 finished, not promoted; 4 another run holds the registry lock (nothing "
                        + "done); 1 failed (champion untouched); 2 invalid options or settings."})
final class RetrainCommand implements Callable<Integer> {
    /** Finished, but the champion stays. */
    static final int NOT_PROMOTED = 3;
    /** Another run holds the lock; this one did nothing. */
    static final int LOCKED = 4;

    @Mixin
    CommonOptions common;
    @Mixin
    DataOptions dataOptions;
    @Mixin
    TrainOptions trainOptions;

    @Option(names = "--registry", paramLabel = "DIR", descriptionKey = "retrain.registry")
    String registry;

    @Option(names = "--resume", description = "Continue the newest interrupted run from its last epoch checkpoint.")
    boolean resume;

    @Option(names = "--warm-start", descriptionKey = "retrain.warm-start")
    Boolean warmStart;

    @Option(names = "--on-locked", paramLabel = "POLICY", descriptionKey = "retrain.on-locked")
    RetrainSettings.OnLocked onLocked;

    @Override
    public Integer call() throws InterruptedException {
        // the registry's filesystem is refused first: from the path's scheme, before any request to a store
        Settings settings = common.loadUnprobed(Map.of());
        RetrainSettings r = settings.retrain();
        HadoopConf local = HadoopConf.local();
        Path root = new Path(r.registry());
        if (!RunLock.hasAtomicCreate(root, local)) {
            throw new SettingsException("digitloc.retrain.registry (--registry) = " + root + ": its filesystem ("
                    + RunLock.scheme(root, local) + ") has no atomic create-if-absent, which the registry's lock needs "
                    + "(two runs could both take it); keep the registry on HDFS (hdfs://) or on a local or shared POSIX "
                    + "path (NFS). The data, model and score paths may stay where they are.");
        }
        ClusterPaths.requireReachable(settings);

        Optional<RunLock> lock = r.onLocked() == RetrainSettings.OnLocked.WAIT
                ? RunLock.acquire(root, local, r.lockStaleAfter(), r.lockHeartbeat(), r.waitTimeout())
                : RunLock.tryAcquire(root, local, r.lockStaleAfter(), r.lockHeartbeat());
        if (lock.isEmpty()) {
            System.err.println("retrain: another run holds the lock of registry " + root + " ("
                    + RunLock.holder(root, local).map(RunLock.Owner::toString).orElse("unknown owner")
                    + "); nothing done");
            return LOCKED;
        }
        try (RunLock held = lock.get()) {
            GenerateJob.Plan data = RetrainJob.planData(settings, local);
            RetrainJob.Result result = RetrainJob.run(SparkSessions.getOrCreate(settings.spark()), settings, resume, data);
            System.out.printf(Locale.ROOT, "retrain: run %s %s (%s)%naccuracy %.2f%%, mean IoU %.3f; run directory %s%n",
                    result.runId(), result.promoted() ? "promoted to champion" : "not promoted", result.reason(),
                    100 * result.metrics().accuracy(), result.metrics().meanIou(), result.runDir());
            return result.promoted() ? 0 : NOT_PROMOTED;
        }
    }
}
