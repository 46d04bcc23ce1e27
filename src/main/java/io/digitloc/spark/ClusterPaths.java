package io.digitloc.spark;

import io.digitloc.config.Setting;
import io.digitloc.config.Settings;
import io.digitloc.config.SettingsException;
import io.digitloc.io.DriverPaths;
import io.digitloc.io.HadoopConf;
import io.digitloc.io.StoreProbe;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The path settings of a run on a cluster, qualified on the driver before Spark starts (see
 * {@link DriverPaths}), and refused where no executor can reach them: on YARN or Kubernetes, whose
 * containers run on other hosts, a path on the driver's local disk that tasks open (or any local path,
 * when the driver itself runs in a container: {@code --deploy-mode cluster}).
 */
public final class ClusterPaths {
    private ClusterPaths() {
    }

    /** {@code settings} with its paths qualified for the master spark-submit gave (local mode: unchanged). */
    public static Settings qualify(Settings settings) {
        SparkConf spark = new SparkConf();
        String master = spark.get("spark.master", settings.spark().master());
        if (SparkSessions.isLocal(master)) {
            return settings;
        }
        boolean containers = master.startsWith("yarn") || master.startsWith("k8s://");
        boolean driverInContainer = containers && "cluster".equals(spark.get("spark.submit.deployMode", "client"));
        HadoopConf hadoop = new HadoopConf(SparkHadoopUtil.get().newConfiguration(spark));
        Map<String, Object> qualified = new LinkedHashMap<>();
        settings.paths().forEach((setting, value) -> {
            String path = DriverPaths.qualify(value, hadoop);
            boolean tasksOpenIt = setting.place() == Setting.Place.EVERY_NODE || driverInContainer;
            if (containers && tasksOpenIt && DriverPaths.onLocalDisk(path)) {
                throw new SettingsException(setting.key() + " = '" + value + "' is on this machine's disk (" + path
                        + "), which " + (master.startsWith("yarn") ? "YARN's" : "Kubernetes'") + " containers "
                        + "cannot read: give a path every node reaches, e.g. hdfs://namenode:8020/...");
            }
            if (!path.equals(value)) {
                qualified.put(setting.key(), path);
            }
        });
        return qualified.isEmpty() ? settings : settings.with(qualified);
    }

    /**
     * Reaches, from the driver, the filesystem of each path setting that names a scheme other than the
     * local disk's (S3, HDFS...), once per path, before anything is written ({@link StoreProbe}).
     */
    public static void requireReachable(Settings settings) {
        settings.paths().forEach((setting, value) -> requireReachable(setting.key(), value));
    }

    /** As {@link #requireReachable(Settings)} for one path, {@code what} naming the setting or option. */
    public static void requireReachable(String what, String value) {
        Path path = new Path(value);
        if (path.toUri().getUserInfo() != null) {
            // a key in the path would be kept in metadata.json and the logs; the message leaves it out
            throw new SettingsException(what + " = " + path.toUri().getScheme() + "://" + path.toUri().getHost()
                    + path.toUri().getPath() + " carries credentials in its address: give them through Hadoop's "
                    + "providers instead (the environment, fs.s3a.access.key and fs.s3a.secret.key, an instance profile)");
        }
        String scheme = path.toUri().getScheme();
        if (scheme == null || "file".equals(scheme)) {
            return;
        }
        StoreProbe.problem(path, HadoopConf.local()).ifPresent(problem -> {
            throw new UncheckedIOException(what + ": " + problem, new IOException(problem));
        });
    }
}
