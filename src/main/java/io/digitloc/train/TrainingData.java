package io.digitloc.train;

import io.digitloc.io.HadoopConf;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a session trains on.
 *
 * @param train      the train split's rows
 * @param trainCount its canvases
 * @param canvasSize the canvases' side
 * @param batches    where the epochs' batch files go
 */
public record TrainingData(Dataset<Row> train, long trainCount, int canvasSize, Path batches, HadoopConf conf) {
}
