package io.digitloc.data;

import io.digitloc.io.HadoopConf;
import io.digitloc.io.HadoopFiles;
import io.digitloc.io.Json;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A generated dataset opened for reading: the manifest must be there (it is written last), and
 * each split's Parquet must carry the canvas schema, or a {@link DatasetException} says what is wrong.
 */
public final class CanvasDataset {
    private final SparkSession spark;
    private final Path root;
    private final DatasetManifest manifest;

    private CanvasDataset(SparkSession spark, Path root, DatasetManifest manifest) {
        this.spark = spark;
        this.root = root;
        this.manifest = manifest;
    }

    public static CanvasDataset open(SparkSession spark, String dir) {
        HadoopConf conf = new HadoopConf(spark.sparkContext().hadoopConfiguration());
        return new CanvasDataset(spark, new Path(dir), readManifest(dir, conf));
    }

    /** The manifest of a complete dataset; fails when the dataset is absent or incomplete. */
    public static DatasetManifest readManifest(String dir, HadoopConf conf) {
        Path manifestPath = new Path(dir, DatasetManifest.FILE_NAME);
        if (!HadoopFiles.exists(new Path(dir), conf)) {
            throw new DatasetException("no dataset at " + dir + "; run generate first");
        }
        if (!HadoopFiles.exists(manifestPath, conf)) {
            throw new DatasetException(dir + " has no " + DatasetManifest.FILE_NAME
                    + ": not a complete dataset made by generate");
        }
        try {
            return Json.read(HadoopFiles.readString(manifestPath, conf), DatasetManifest.class, manifestPath.toString());
        } catch (IllegalArgumentException e) {
            throw new DatasetException(e.getMessage(), e);
        }
    }

    public DatasetManifest manifest() {
        return manifest;
    }

    public String path(Split split) {
        return new Path(root, split.dirName()).toString();
    }

    /** One split's rows, schema-checked. */
    public Dataset<Row> read(Split split) {
        String where = path(split);
        Dataset<Row> rows;
        try {
            rows = spark.read().parquet(where);
        } catch (RuntimeException e) {
            throw new DatasetException("cannot read the " + split.dirName() + " split at " + where + ": "
                    + e.getMessage(), e);
        }
        CanvasSchema.require(rows.schema(), where);
        return rows;
    }
}
