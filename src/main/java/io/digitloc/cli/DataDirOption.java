package io.digitloc.cli;

import picocli.CommandLine.Option;

/** {@code --data-dir}: the generated dataset, declared once for every command that reads or writes it. */
public final class DataDirOption {
    @Option(names = "--data-dir", paramLabel = "DIR", descriptionKey = "data.dir")
    String dataDir;
}
