package io.digitloc.platform;

import io.digitloc.testing.CliProcess;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

class OpenBlasCoreTest {
    private static final Set<String> AVX512 = Set.of("avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl");

    @Test
    void kernelsFollowTheCpuFlagsNotItsModel() {
        assertThat(OpenBlasCore.choose(AVX512)).isEqualTo("SkylakeX");
        assertThat(OpenBlasCore.choose(Set.of("avx2", "fma", "avx512f"))).as("AVX-512 foundation alone").isEqualTo("Haswell");
        assertThat(OpenBlasCore.choose(Set.of("avx2", "fma"))).isEqualTo("Haswell");
        assertThat(OpenBlasCore.choose(Set.of("avx2"))).as("no FMA: OpenBLAS's own detection").isEmpty();
        assertThat(OpenBlasCore.choose(Set.of())).isEmpty();
    }

    @Test
    void aFreshJvmRunsTheKernelsTheFlagsName() throws Exception {
        String want = OpenBlasCore.choose(NativeSetup.cpuFlags());
        assumeThat(want).as("a CPU with AVX2 and FMA").isNotEmpty();
        List<String> out = probe(Map.of());
        assertThat(out).contains("product 96.0");
        assertThat(kernels(out)).isEqualToIgnoringCase(want);
    }

    @Test
    void theUsersChoiceStands() throws Exception {
        assumeThat(OpenBlasCore.choose(NativeSetup.cpuFlags())).as("a CPU with AVX2 and FMA").isNotEmpty();
        List<String> out = probe(Map.of(OpenBlasCore.VARIABLE, "Prescott"));
        assertThat(kernels(out)).isEqualToIgnoringCase("Prescott");
        assertThat(out).contains("product 96.0");
    }

    private static String kernels(List<String> out) {
        return out.stream().filter(l -> l.startsWith("kernels ")).map(l -> l.substring(8)).findFirst().orElse("none");
    }

    /** Runs {@link OpenBlasProbe} in a JVM started as the jobs start theirs, without inheriting any OPENBLAS_CORETYPE. */
    private static List<String> probe(Map<String, String> env) throws IOException, InterruptedException {
        Path root = Path.of("").toAbsolutePath();
        String cp = String.join(File.pathSeparator, root.resolve("target/test-classes").toString(),
                root.resolve("target/classes").toString(), Files.readString(root.resolve("target/classpath.txt")).trim());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
        cmd.addAll(CliProcess.OPENS);
        cmd.addAll(List.of("-cp", cp, OpenBlasProbe.class.getName()));
        Path log = Files.createTempFile("openblas-probe", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove(OpenBlasCore.VARIABLE);
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("probe finished").isTrue();
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        Files.delete(log);
        assertThat(p.exitValue()).as(String.join("\n", lines)).isZero();
        return lines;
    }
}
