package io.digitloc.cluster;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * HDFS (one NameNode, one DataNode) and YARN (one ResourceManager, one NodeManager) in this JVM, from
 * Hadoop's own mini clusters, and the configuration directory a client needs to reach them
 * ({@code HADOOP_CONF_DIR}: core-site.xml and yarn-site.xml). Set up as Spark's own YARN suites do:
 * the capacity scheduler's queue in code (the shaded minicluster lacks capacity-scheduler.xml), the
 * disk-health check relaxed, the memory checks off (ND4J's off-heap memory is the executors' own).
 */
final class LocalYarnCluster implements AutoCloseable {
    private final Path dir;
    private MiniDFSCluster hdfs;
    private MiniYARNCluster yarn;

    LocalYarnCluster(Path dir) {
        this.dir = dir;
    }

    /** Starts both, with {@code memoryMb} of container memory on the one NodeManager. */
    void start(int memoryMb) throws Exception {
        Configuration base = new Configuration();
        base.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("hdfs").toString());
        base.set("dfs.namenode.rpc-address", "127.0.0.1:0");
        base.set("dfs.replication", "1");
        base.setBoolean("dfs.permissions.enabled", false);
        hdfs = new MiniDFSCluster.Builder(base).numDataNodes(1).build();
        hdfs.waitActive();

        YarnConfiguration conf = new YarnConfiguration(hdfs.getConfiguration(0));
        conf.set("fs.defaultFS", hdfs.getURI().toString());
        conf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100.0");
        conf.set("yarn.scheduler.capacity.root.queues", "default");
        conf.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
        conf.setFloat("yarn.scheduler.capacity.root.default.user-limit-factor", 1);
        conf.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
        conf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
        conf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
        conf.set("yarn.scheduler.capacity.root.default.acl_administer_queue", "*");
        conf.setInt("yarn.scheduler.capacity.node-locality-delay", -1);
        conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
        conf.setInt(YarnConfiguration.NM_PMEM_MB, memoryMb);
        conf.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, memoryMb); // the mini NM's own, 4096 else
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, memoryMb);
        conf.setInt(YarnConfiguration.NM_VCORES, 8);
        conf.set("yarn.resourcemanager.hostname", "127.0.0.1");
        // container logs kept after an application ends, for the test to read
        conf.setInt(YarnConfiguration.DEBUG_NM_DELETE_DELAY_SEC, 3600);
        yarn = new MiniYARNCluster("digitloc", 1, 1, 1);
        yarn.init(conf);
        yarn.start();
        // MiniYARNCluster may return before the ResourceManager has written its port into the configuration
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (yarn.getConfig().get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("YARN's ResourceManager did not come up");
            }
            Thread.sleep(100);
        }
        Path confDir = Files.createDirectories(dir.resolve("conf"));
        try (OutputStream out = Files.newOutputStream(confDir.resolve("core-site.xml"))) {
            Configuration core = new Configuration(false);
            core.set("fs.defaultFS", hdfs.getURI().toString());
            core.writeXml(out);
        }
        // only YARN's own keys: the daemons' configuration also names test-only classes (StaticMapping)
        Configuration client = new Configuration(false);
        for (Map.Entry<String, String> e : yarn.getConfig()) {
            if (e.getKey().startsWith("yarn.")) {
                client.set(e.getKey(), e.getValue());
            }
        }
        try (OutputStream out = Files.newOutputStream(confDir.resolve("yarn-site.xml"))) {
            client.writeXml(out);
        }
    }

    /** The directory to give clients as HADOOP_CONF_DIR. */
    Path confDir() {
        return dir.resolve("conf");
    }

    /** hdfs://127.0.0.1:port */
    String hdfsUri() {
        return hdfs.getURI().toString();
    }

    FileSystem fileSystem() throws IOException {
        return hdfs.getFileSystem();
    }

    YarnConfiguration yarnConf() {
        return new YarnConfiguration(yarn.getConfig());
    }

    /** Where the NodeManager keeps the containers' stdout and stderr: application_*&#47;container_*. */
    Path containerLogs() {
        // MiniYARNCluster sets its NodeManagers' directories itself
        return Path.of(yarn.getNodeManager(0).getConfig().get(YarnConfiguration.NM_LOG_DIRS).split(",")[0]);
    }

    @Override
    public void close() {
        if (yarn != null) {
            yarn.stop();
        }
        if (hdfs != null) {
            hdfs.shutdown(true);
        }
    }
}
