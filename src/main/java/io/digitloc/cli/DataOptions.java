package io.digitloc.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;

/** Options that choose the source digits and the generated dataset. */
public final class DataOptions {
    @Mixin
    DataDirOption dataDir;

    @Option(names = "--mnist-dir", paramLabel = "DIR",
            description = "Directory with the four IDX files (plain or .gz), any Hadoop path (default: ${sys:digitloc.default.data.mnist-dir}).")
    String mnistDir;


    @Option(names = "--canvas-size", paramLabel = "PX", description = "Side of the square canvas, at least 28 (default: ${sys:digitloc.default.data.canvas-size}).")
    Integer canvasSize;

    @Option(names = "--train-limit", paramLabel = "N", description = "Use only the first N training digits; 0 = all 60,000.")
    Integer trainLimit;

    @Option(names = "--validation-limit", paramLabel = "N", description = "Use only the first N test digits; 0 = all 10,000.")
    Integer validationLimit;

    void addTo(Map<String, Object> o) {
        CommonOptions.put(o, "digitloc.data.mnist-dir", mnistDir);
        dataDir.addTo(o);
        CommonOptions.put(o, "digitloc.data.canvas-size", canvasSize);
        CommonOptions.put(o, "digitloc.data.train-limit", trainLimit);
        CommonOptions.put(o, "digitloc.data.validation-limit", validationLimit);
    }
}
