package io.digitloc.cli;

import io.digitloc.config.DataSettings;
import picocli.CommandLine.Option;

/** {@code --if-exists} for the model directory (train, pipeline). */
public final class ModelIfExistsOption {
    @Option(names = "--if-exists", paramLabel = "POLICY", descriptionKey = "train.if-exists")
    DataSettings.IfExists ifExists;
}
