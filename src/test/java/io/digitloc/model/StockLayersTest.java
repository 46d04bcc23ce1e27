package io.digitloc.model;

import io.digitloc.platform.NativeSetup;
import io.digitloc.config.Settings;
import io.digitloc.io.HadoopConf;
import io.digitloc.testing.CliProcess;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** A saved model holds DL4J's stock layers only, computes what the fast layers compute, and trains on. */
class StockLayersTest {
    private static final int SIZE = 75;

    @BeforeAll
    static void natives() {
        NativeSetup.configure();
    }

    /** A fast-layer network after a few Adam steps, so parameters and updater state are not the initial ones. */
    private static ComputationGraph trainedFastNet() {
        var train = Settings.load(null, Map.of("digitloc.train.fast-layers", true)).train();
        ComputationGraph net = LocalizerNet.untrained(SIZE, train, 11);
        for (int i = 0; i < 3; i++) {
            net.fit(batch(8, i));
        }
        return net;
    }

    private static MultiDataSet batch(int n, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray labels = Nd4j.zeros(n, 10);
        for (int i = 0; i < n; i++) {
            labels.putScalar(i, i % 10, 1);
        }
        return new MultiDataSet(new INDArray[] {Nd4j.rand(new int[] {n, 1, SIZE, SIZE})},
                new INDArray[] {labels, Nd4j.rand(n, 4)});
    }

    private static INDArray pattern() {
        float[] pixels = new float[SIZE * SIZE];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = ((i * 37) % 256) / 255f; // as PlainRestore.java
        }
        return Nd4j.create(pixels, new long[] {1, 1, SIZE, SIZE}, 'c');
    }

    private static float[] outputs(ComputationGraph net, INDArray input) {
        INDArray[] out = net.output(input);
        float[] a = out[0].dup('c').data().asFloat();
        float[] b = out[1].dup('c').data().asFloat();
        float[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void aSavedModelNamesOnlyDl4jClassesAndComputesTheSame(@TempDir File dir) throws Exception {
        ComputationGraph fast = trainedFastNet();
        assertThat(StockLayers.hasFastLayers(fast)).isTrue();
        File zip = new File(dir, "model.zip");
        ModelStore.save(fast, new Path(zip.getPath()), true, HadoopConf.local());

        String json;
        try (ZipFile z = new ZipFile(zip)) {
            json = new String(z.getInputStream(z.getEntry("configuration.json")).readAllBytes());
        }
        Matcher m = Pattern.compile("\"@class\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        List<String> classes = new ArrayList<>();
        while (m.find()) {
            classes.add(m.group(1));
        }
        assertThat(classes).isNotEmpty().allMatch(c -> c.startsWith("org.deeplearning4j.") || c.startsWith("org.nd4j."),
                "a DL4J or ND4J class");
        assertThat(classes).contains(StockLayers.CONV, StockLayers.POOL);

        ComputationGraph stock = ModelSerializer.restoreComputationGraph(zip, true);
        assertThat(stock.numParams()).isEqualTo(fast.numParams());
        INDArray input = batch(5, 99).getFeatures(0);
        float[] expected = outputs(fast, input);
        assertThat(outputs(stock, input)).containsExactly(expected, within(1e-5f));

        // the fast layers swapped back in carry the updater state: one more step lands in the same place
        ComputationGraph again = StockLayers.toFast(stock);
        assertThat(StockLayers.hasFastLayers(again)).isTrue();
        MultiDataSet next = batch(8, 5);
        fast.fit(next);
        again.fit(next);
        assertThat(again.params().toFloatVector()).containsExactly(fast.params().toFloatVector(), within(1e-5f));
    }

    @Test
    void stockAndFastFormsRoundTrip() {
        var stockTrain = Settings.load(null, Map.of("digitloc.train.fast-layers", false)).train();
        ComputationGraph stock = LocalizerNet.untrained(SIZE, stockTrain, 3);
        assertThat(StockLayers.toStock(stock)).isSameAs(stock);
        ComputationGraph fast = StockLayers.toFast(stock);
        assertThat(StockLayers.hasFastLayers(fast)).isTrue();
        var fastTrain = Settings.load(null, Map.of("digitloc.train.fast-layers", true)).train();
        // the same configuration LocalizerNet builds with fast layers, and back to the stock one
        assertThat(fast.getConfiguration().toJson())
                .isEqualTo(LocalizerNet.untrained(SIZE, fastTrain, 3).getConfiguration().toJson());
        assertThat(StockLayers.toStock(fast).getConfiguration().toJson()).isEqualTo(stock.getConfiguration().toJson());
    }

    /**
     * The user's view: a JVM with DL4J's jars but none of this project's classes restores model.zip and
     * gets the same outputs (PlainRestore.java, run as a single-file source program).
     */
    @Test
    void aPlainDl4jProgramRestoresAndRunsTheModel(@TempDir File dir) throws Exception {
        ComputationGraph fast = trainedFastNet();
        File zip = new File(dir, "model.zip");
        ModelStore.save(fast, new Path(zip.getPath()), false, HadoopConf.local());

        java.nio.file.Path root = java.nio.file.Path.of("").toAbsolutePath();
        String dl4jOnly = Arrays.stream(Files.readString(root.resolve("target/classpath.txt")).trim()
                        .split(File.pathSeparator))
                .filter(e -> e.endsWith(".jar") && !e.contains("digit-localization"))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> cmd = new ArrayList<>(List.of(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx1g"));
        cmd.addAll(CliProcess.OPENS);
        cmd.addAll(List.of("-cp", dl4jOnly, root.resolve("src/test/resources/plain-dl4j/PlainRestore.java").toString(),
                zip.getPath(), Integer.toString(SIZE)));
        File log = new File(dir, "plain.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
        assertThat(p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
        String text = Files.readString(log.toPath());
        assertThat(p.exitValue()).as(text).isZero();
        float[] got = new float[14];
        int k = 0;
        for (String line : text.split("\n")) {
            if (line.matches("-?[0-9.]+(E-?[0-9]+)?") && k < got.length) {
                got[k++] = Float.parseFloat(line);
            }
        }
        assertThat(k).as(text).isEqualTo(14);
        assertThat(got).containsExactly(outputs(fast, pattern()), within(1e-5f));
    }
}
