package io.digitloc.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What submit.sh hands spark-submit, without Spark: a copy of the script and conf/spark/ beside a stand-in
 * cluster jar, and a SPARK_HOME whose spark-submit prints its arguments and the merged properties file.
 */
class SubmitScriptTest {
    @TempDir
    Path tmp;

    @Test
    void trainingSubcommandsTurnDynamicAllocationOffUnlessSet() throws Exception {
        Path root = installCopy();
        for (String sub : List.of("train", "pipeline", "retrain")) {
            Result r = submit(root, sub, "--epochs", "1");
            assertThat(r.out).contains("--conf spark.dynamicAllocation.enabled=false");
            assertThat(r.err).containsOnlyOnce("submit.sh: spark.dynamicAllocation.enabled=false for " + sub);
        }
        Result own = submit(root, "--conf", "spark.dynamicAllocation.enabled=true", "train");
        assertThat(own.out).contains("spark.dynamicAllocation.enabled=true").doesNotContain("enabled=false");
        assertThat(own.err).doesNotContain("dynamicAllocation");
        for (String sub : List.of("generate", "evaluate", "score")) {
            Result r = submit(root, sub);
            assertThat(r.out + r.err).doesNotContain("dynamicAllocation");
        }
    }

    @Test
    void s3aPathsAddTheCommitterConf() throws Exception {
        Path root = installCopy();
        Result s3 = submit(root, "generate", "--data-dir", "s3a://bucket/data");
        assertThat(s3.out).contains("spark.hadoop.fs.s3a.committer.name").contains("PathOutputCommitProtocol");
        assertThat(s3.err).contains("conf/spark/s3a.conf");
        Result local = submit(root, "generate", "--data-dir", "/data");
        assertThat(local.out).doesNotContain("fs.s3a.committer");
    }

    private record Result(String out, String err) {
    }

    private Path installCopy() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("repo"));
        Files.copy(Path.of("submit.sh"), root.resolve("submit.sh"));
        Path conf = Files.createDirectories(root.resolve("conf/spark"));
        try (var files = Files.list(Path.of("conf/spark"))) {
            for (Path f : files.toList()) {
                Files.copy(f, conf.resolve(f.getFileName()));
            }
        }
        Files.createDirectories(root.resolve("target"));
        Files.writeString(root.resolve("target/digit-localization-0-cluster.jar"), "");
        Path bin = Files.createDirectories(tmp.resolve("spark/bin"));
        Path submit = bin.resolve("spark-submit");
        Files.writeString(submit, "#!/usr/bin/env bash\necho \"$@\"\n"
                + "while [ $# -gt 0 ]; do [ \"$1\" = --properties-file ] && cat \"$2\"; shift; done\n");
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
        return root;
    }

    private Result submit(Path root, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("submit.sh").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("SPARK_HOME", tmp.resolve("spark").toString());
        pb.redirectError(tmp.resolve("err.txt").toFile()).redirectOutput(tmp.resolve("out.txt").toFile());
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return new Result(Files.readString(tmp.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(tmp.resolve("err.txt"), StandardCharsets.UTF_8));
    }
}
