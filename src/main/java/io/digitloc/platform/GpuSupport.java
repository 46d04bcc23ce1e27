package io.digitloc.platform;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Refuses, at start-up, a GPU that the CUDA build ({@code mvn -Pcuda}) cannot run, instead of a crash
 * inside the first kernel launch. ND4J 1.0.0-M2.1's {@code libnd4jcuda.so} carries machine code for
 * sm_37, 50, 52, 60, 61, 70, 75, 80 and 86 and no PTX (docs/deployment.md), so it runs on compute capability
 * 3.7 to 8.9 only: nothing for Hopper (9.0) or newer, and nothing a newer driver could JIT.
 * <p>
 * Does nothing on the CPU backend (it never touches a CUDA class). On the CUDA backend it asks
 * {@code nvidia-smi} for each visible GPU's compute capability; if that cannot be found out it logs a
 * warning and lets the job go on.
 */
public final class GpuSupport {
    private static final Logger LOG = LoggerFactory.getLogger(GpuSupport.class);
    /** ND4J's CUDA backend class, looked up as a resource so that nothing CUDA is loaded. */
    static final String CUDA_BACKEND = "org/nd4j/linalg/jcublas/JCublasBackend.class";
    static final String SUPPORTED_RANGE = "3.7–8.9";
    private static final Pattern CAPABILITY = Pattern.compile("(\\d+)\\.(\\d+)");

    /** The outcome for one GPU. */
    public enum Status { SUPPORTED, UNSUPPORTED, UNKNOWN }

    /** {@code message} is empty when supported, the reason otherwise. */
    public record Verdict(Status status, String message) {
    }

    private static Verdict checked;

    private GpuSupport() {
    }

    /** Whether ND4J's CUDA backend is on the classpath (the -Pcuda build). */
    public static boolean cudaBackend() {
        ClassLoader loader = GpuSupport.class.getClassLoader();
        return loader != null && loader.getResource(CUDA_BACKEND) != null;
    }

    /**
     * On the CUDA backend, throws {@link IllegalStateException} if a visible GPU's compute capability is
     * outside {@value #SUPPORTED_RANGE}; warns and returns if it cannot be determined; no-op on the CPU
     * backend. Runs {@code nvidia-smi} once per JVM: later calls repeat the first answer.
     */
    public static synchronized void check() {
        if (checked == null) {
            checked = cudaBackend() ? checkGpus() : new Verdict(Status.SUPPORTED, "");
        }
        if (checked.status() == Status.UNSUPPORTED) {
            throw new IllegalStateException(checked.message());
        }
    }

    private static Verdict checkGpus() {
        List<String> lines;
        try {
            lines = nvidiaSmi();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot read the GPU's compute capability (nvidia-smi: {}); going on without checking that "
                    + "this GPU can run ND4J's CUDA build (compute capability {})", e.getMessage(), SUPPORTED_RANGE);
            return new Verdict(Status.UNKNOWN, e.getMessage());
        }
        Verdict verdict = decideAll(lines, System.getenv("CUDA_VISIBLE_DEVICES"));
        if (verdict.status() == Status.UNKNOWN) {
            LOG.warn("{}; going on without checking", verdict.message());
        } else if (verdict.status() == Status.SUPPORTED) {
            LOG.info("GPU check: within compute capability {} ({})", SUPPORTED_RANGE,
                    String.join("; ", lines.stream().map(String::trim).filter(l -> !l.isEmpty()).toList()));
        }
        return verdict;
    }

    /**
     * The verdict for one GPU from its compute capability as nvidia-smi prints it ("8.6", "9.0").
     * Supported: 3.7 up to and excluding 9.0 (a cubin for sm_XY runs on X.Z for Z >= Y, so sm_86 covers
     * 8.6 to 8.9; nothing covers 9.0 or later, and there is no PTX to compile for it).
     */
    public static Verdict decide(String computeCapability, String gpuName) {
        String cap = computeCapability == null ? "" : computeCapability.trim();
        Matcher m = CAPABILITY.matcher(cap);
        if (!m.matches()) {
            return new Verdict(Status.UNKNOWN, "Cannot read the compute capability of GPU " + nameOrUnknown(gpuName)
                    + " from '" + cap + "'");
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        boolean supported = (major > 3 || (major == 3 && minor >= 7)) && major < 9;
        if (supported) {
            return new Verdict(Status.SUPPORTED, "");
        }
        return new Verdict(Status.UNSUPPORTED, "ND4J 1.0.0-M2.1's CUDA build carries machine code for sm_37..sm_86 "
                + "and no PTX; this GPU (" + nameOrUnknown(gpuName) + ", compute capability " + major + "." + minor
                + ") cannot run it; use the CPU build or a GPU of compute capability " + SUPPORTED_RANGE);
    }

    /**
     * The verdict for the GPUs this process can use, from nvidia-smi lines "index, uuid, compute_cap, name".
     * With CUDA_VISIBLE_DEVICES set, only the GPUs it names (by index or UUID prefix) count; if it names
     * none of them (e.g. MIG ids), all do. The first unsupported GPU wins, then the first unknown one.
     */
    static Verdict decideAll(List<String> lines, String cudaVisibleDevices) {
        List<String[]> gpus = new ArrayList<>();
        for (String line : lines) {
            if (!line.isBlank()) {
                String[] f = line.split(",", 4);
                if (f.length == 4) {
                    gpus.add(new String[]{f[0].trim(), f[1].trim(), f[2].trim(), f[3].trim()});
                } else {
                    return new Verdict(Status.UNKNOWN, "Cannot read nvidia-smi's line '" + line.trim() + "'");
                }
            }
        }
        if (gpus.isEmpty()) {
            return new Verdict(Status.UNKNOWN, "nvidia-smi lists no GPU");
        }
        List<String[]> visible = gpus;
        if (cudaVisibleDevices != null && !cudaVisibleDevices.isBlank()) {
            List<String> wanted = Arrays.stream(cudaVisibleDevices.split(",")).map(String::trim).toList();
            List<String[]> named = gpus.stream()
                    .filter(g -> wanted.stream().anyMatch(w -> !w.isEmpty() && (w.equals(g[0]) || g[1].startsWith(w))))
                    .toList();
            if (!named.isEmpty()) {
                visible = named;
            }
        }
        Verdict unknown = null;
        for (String[] g : visible) {
            Verdict v = decide(g[2], g[3]);
            if (v.status() == Status.UNSUPPORTED) {
                return v;
            }
            if (v.status() == Status.UNKNOWN && unknown == null) {
                unknown = v;
            }
        }
        return unknown != null ? unknown : new Verdict(Status.SUPPORTED, "");
    }

    private static List<String> nvidiaSmi() throws IOException {
        // Output to a file, so that a hung nvidia-smi (a broken driver does that) cannot block a read.
        Path out = Files.createTempFile("nvidia-smi", ".csv");
        Process p = null;
        try {
            p = new ProcessBuilder("nvidia-smi", "--query-gpu=index,uuid,compute_cap,name", "--format=csv,noheader")
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                throw new IOException("no answer within 20 s");
            }
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException("exit code " + p.exitValue() + ": " + String.join(" ", lines).trim());
            }
            return lines;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            if (p != null) {
                p.destroyForcibly();
            }
            Files.deleteIfExists(out);
        }
    }

    private static String nameOrUnknown(String name) {
        return name == null || name.isBlank() ? "unknown name" : name.trim();
    }
}
