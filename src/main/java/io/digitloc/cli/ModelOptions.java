package io.digitloc.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which trained model a command uses: {@code --model} (a file) or {@code --model-dir}. */
public final class ModelOptions {
    @Mixin
    ModelDirOption modelDir;

    @Option(names = "--model", paramLabel = "ZIP", descriptionKey = "eval.model")
    String model;
}
