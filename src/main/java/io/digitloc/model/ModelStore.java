package io.digitloc.model;

import io.digitloc.io.HadoopConf;
import io.digitloc.io.HadoopFiles;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Saves and restores model zips (DL4J's ModelSerializer format) on any Hadoop filesystem, atomically.
 * Saved zips hold DL4J's stock layers only ({@link StockLayers}), so any DL4J program can restore them.
 */
public final class ModelStore {
    private ModelStore() {
    }

    /** Writes {@code net}, in stock layers, to {@code target} through a temporary sibling and a rename. */
    public static void save(ComputationGraph net, Path target, boolean withUpdater, HadoopConf conf) {
        net = StockLayers.toStock(net);
        FileSystem fs = HadoopFiles.fs(target, conf);
        Path tmp = HadoopFiles.tempSibling(target);
        try {
            try (FSDataOutputStream out = fs.create(tmp, false)) {
                ModelSerializer.writeModel(net, out, withUpdater);
            }
            HadoopFiles.replace(fs, tmp, target);
        } catch (IOException e) {
            HadoopFiles.deleteQuietly(fs, tmp);
            throw new UncheckedIOException("cannot write model " + target + ": " + e.getMessage(), e);
        }
    }

    public static ComputationGraph load(Path path, boolean withUpdater, HadoopConf conf) {
        if (!HadoopFiles.exists(path, conf)) {
            throw new ModelException("no model at " + path);
        }
        try (InputStream in = new BufferedInputStream(HadoopFiles.fs(path, conf).open(path))) {
            return restore(in, withUpdater, path.toString());
        } catch (IOException e) {
            throw new ModelException("cannot read model " + path + ": " + e.getMessage(), e);
        }
    }

    public static byte[] toBytes(ComputationGraph net) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ModelSerializer.writeModel(net, out, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static ComputationGraph fromBytes(byte[] bytes) {
        return restore(new ByteArrayInputStream(bytes), false, "model bytes");
    }

    private static ComputationGraph restore(InputStream in, boolean withUpdater, String where) {
        try {
            ComputationGraph net = ModelSerializer.restoreComputationGraph(in, withUpdater);
            io.digitloc.platform.NativeSetup.blasOnCallingThread();
            return net;
        } catch (IOException | RuntimeException e) {
            throw new ModelException(where + " is not a DL4J ComputationGraph model zip: " + e.getMessage(), e);
        }
    }
}
