package io.digitloc.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options that choose the source digits and the generated dataset. */
public final class DataOptions {
    @Mixin
    DataDirOption dataDir;

    @Option(names = "--mnist-dir", paramLabel = "DIR", descriptionKey = "data.mnist-dir")
    String mnistDir;

    @Option(names = "--canvas-size", paramLabel = "PX", descriptionKey = "data.canvas-size")
    Integer canvasSize;

    @Option(names = "--train-limit", paramLabel = "N", descriptionKey = "data.train-limit")
    Integer trainLimit;

    @Option(names = "--validation-limit", paramLabel = "N", descriptionKey = "data.validation-limit")
    Integer validationLimit;
}
