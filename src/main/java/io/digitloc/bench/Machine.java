package io.digitloc.bench;

import io.digitloc.platform.NativeSetup;
import io.digitloc.platform.OpenBlasCore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One line naming the machine a figure came from: CPU model, cores, vector extensions, ND4J build, OpenBLAS kernels. */
public final class Machine {
    private Machine() {
    }

    public static String describe() {
        String model = "unknown CPU";
        String flags = "";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name") && model.equals("unknown CPU")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                } else if (line.startsWith("flags") && flags.isEmpty()) {
                    flags = " " + line.substring(line.indexOf(':') + 1).trim() + " ";
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the model stays unknown
        }
        String isa = flags.contains(" avx512f ") ? "AVX-512" : flags.contains(" avx2 ") ? "AVX2" : "no AVX2";
        return String.format("%s, %d cores, %s, ND4J build '%s'%s", model, Runtime.getRuntime().availableProcessors(), isa,
                System.getProperty(NativeSetup.PLATFORM_EXTENSION, ""),
                OpenBlasCore.loadedCore().map(core -> ", OpenBLAS kernels " + core).orElse(""));
    }
}
