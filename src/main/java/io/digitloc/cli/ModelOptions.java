package io.digitloc.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;

/** Which trained model a command uses: {@code --model} (a file) or {@code --model-dir}. */
public final class ModelOptions {
    @Mixin
    ModelDirOption modelDir;

    @Option(names = "--model", paramLabel = "ZIP", description = "Model file (default: <model-dir>/model.zip).")
    String model;

    void addTo(Map<String, Object> o) {
        modelDir.addTo(o);
        CommonOptions.put(o, "digitloc.eval.model", model);
    }
}
