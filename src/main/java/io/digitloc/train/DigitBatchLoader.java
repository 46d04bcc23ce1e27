package io.digitloc.train;

import io.digitloc.augment.DigitPack;
import io.digitloc.augment.EpochBatches;
import io.digitloc.io.HadoopConf;
import org.deeplearning4j.core.loader.MultiDataSetLoader;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.ArrayList;
import java.util.List;

/**
 * Makes a batch where it is fitted (approach {@code digits}): a batch is named, not stored, by
 * {@link #name} (epoch, partition, batch), and made from the executor's {@link DigitPacks} by the same
 * {@link EpochBatches} the export job uses, so the bits are the same either way.
 */
final class DigitBatchLoader implements MultiDataSetLoader {
    private static final long serialVersionUID = 1L;
    private static final String PREFIX = "digits:";

    private final String packs;
    private final HadoopConf conf;
    private final EpochBatches cut;
    private final double labelSmoothing;
    private transient int[] order; // the last (epoch, partition)'s order: a worker asks for many of its batches
    private transient long orderKey = -1;

    DigitBatchLoader(String packs, HadoopConf conf, EpochBatches cut, double labelSmoothing) {
        this.packs = packs;
        this.conf = conf;
        this.cut = cut;
        this.labelSmoothing = labelSmoothing;
    }

    /** The names of an epoch's batches, partition by partition, for partitions of {@code counts} canvases. */
    static List<String> names(EpochBatches cut, List<Integer> counts, int epoch) {
        List<String> names = new ArrayList<>();
        for (int p = 0; p < counts.size(); p++) {
            for (int b = 0; b < cut.batches(counts.get(p)); b++) {
                names.add(name(epoch, p, b));
            }
        }
        return names;
    }

    static String name(int epoch, int partition, int batch) {
        return PREFIX + epoch + "/" + partition + "/" + batch;
    }

    @Override
    public MultiDataSet load(Source source) {
        String name = source.getPath();
        String[] parts = name.startsWith(PREFIX) ? name.substring(PREFIX.length()).split("/") : new String[0];
        if (parts.length != 3) {
            throw new IllegalArgumentException(name + " is not the name of a batch made from digits");
        }
        int epoch = Integer.parseInt(parts[0]);
        int partition = Integer.parseInt(parts[1]);
        DigitPack pack = DigitPacks.get(packs, partition, conf);
        long key = ((long) epoch << 32) | partition;
        synchronized (this) {
            if (key != orderKey) {
                order = cut.order(pack.count(), epoch, partition);
                orderKey = key;
            }
            return cut.make(pack, order, epoch, Integer.parseInt(parts[2])).toMultiDataSet(labelSmoothing);
        }
    }
}
