package io.digitloc.score;

import io.digitloc.config.Settings;
import io.digitloc.io.HadoopConf;
import io.digitloc.model.LocalizerNet;
import io.digitloc.model.ModelStore;
import io.digitloc.spark.BroadcastModel;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import scala.Option;


/**
 * The trained model as a Spark ML {@link Model}: {@code transform} adds a struct column (default
 * {@code located}: digit, probability, probabilities, box_*, px_*, error; see {@link ScoreColumns}) and the
 * digit as a double {@code prediction} column for Spark ML's evaluators. Input: a binary column of
 * grayscale canvas bytes (default {@code pixels}; {@code width}/{@code height} columns are used when
 * present) or of encoded pictures ({@code inputKind = picture}, e.g. binaryFile's {@code content}).
 * Scored in batches per partition with the model broadcast once. Saves and loads as any Spark ML stage
 * ({@code DigitLocalizerModel.load(path)}, or inside a saved {@code PipelineModel}).
 * <pre>
 * DigitLocalizerModel m = DigitLocalizerModel.fromFile("runs/quick/model.zip", 75).setInputCol("pixels");
 * Dataset&lt;Row&gt; out = m.transform(canvases);   // out.select("id", "located.digit", "located.px_xmin", ...)
 * </pre>
 */
public final class DigitLocalizerModel extends Model<DigitLocalizerModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    static final String MODEL_FILE = "data/model.zip";

    private final String uid;
    private final ComputationGraph net;
    private final Param<String> inputCol;
    private final Param<String> inputKind;
    private final Param<String> outputCol;
    private final Param<String> predictionCol;
    private final IntParam canvasSize;
    private final IntParam batchSize;
    private final BooleanParam withProbabilities;
    private transient BroadcastModel broadcast;

    public DigitLocalizerModel(String uid, ComputationGraph net, int canvasSize) {
        this.uid = uid;
        this.net = net;
        this.inputCol = new Param<>(this, "inputCol", "binary column of canvases (grayscale bytes) or pictures");
        String[] kinds = java.util.Arrays.stream(RowScorer.Kind.values()).map(RowScorer.Kind::param).toArray(String[]::new);
        this.inputKind = new Param<>(this, "inputKind", "what inputCol holds: " + String.join(" or ", kinds),
                ParamValidators.inArray(kinds));
        this.outputCol = new Param<>(this, "outputCol", "struct column of the answers (digit, probability, box, error)");
        this.predictionCol = new Param<>(this, "predictionCol", "the digit as a double; empty for none");
        this.canvasSize = new IntParam(this, "canvasSize", "canvas side the model was trained on",
                ParamValidators.gt(0));
        this.batchSize = new IntParam(this, "batchSize", "canvases per inference call", ParamValidators.gt(0));
        this.withProbabilities = new BooleanParam(this, "withProbabilities", "include the 10 class probabilities");
        setDefault(this.inputCol, "pixels");
        setDefault(this.inputKind, RowScorer.Kind.CANVAS.param());
        setDefault(this.outputCol, "located");
        setDefault(this.predictionCol, "prediction");
        setDefault(this.canvasSize, canvasSize);
        setDefault(this.batchSize, Settings.defaults().score().batchSize());
        setDefault(this.withProbabilities, true);
        LocalizerNet.requireFits(net, canvasSize, "model " + uid);
    }

    /** A model.zip of this project (or any model of the same network) for canvases of {@code canvasSize}. */
    public static DigitLocalizerModel fromFile(String modelZip, int canvasSize) {
        SparkSession spark = SparkSession.active();
        ComputationGraph net = ModelStore.load(new Path(modelZip), false,
                new HadoopConf(spark.sparkContext().hadoopConfiguration()));
        return new DigitLocalizerModel(Identifiable$.MODULE$.randomUID("digitLocalizer"), net, canvasSize);
    }

    @Override
    public String uid() {
        return uid;
    }

    public ComputationGraph network() {
        return net;
    }

    // Spark ML finds a stage's params through public no-argument methods returning Param
    public Param<String> inputCol() {
        return inputCol;
    }

    public Param<String> inputKind() {
        return inputKind;
    }

    public Param<String> outputCol() {
        return outputCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public IntParam canvasSize() {
        return canvasSize;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public BooleanParam withProbabilities() {
        return withProbabilities;
    }

    public DigitLocalizerModel setInputCol(String v) {
        set(inputCol, v);
        return this;
    }

    public DigitLocalizerModel setInputKind(String v) {
        set(inputKind, v);
        return this;
    }

    public DigitLocalizerModel setOutputCol(String v) {
        set(outputCol, v);
        return this;
    }

    public DigitLocalizerModel setPredictionCol(String v) {
        set(predictionCol, v);
        return this;
    }

    public DigitLocalizerModel setBatchSize(int v) {
        set(batchSize, v);
        return this;
    }

    public DigitLocalizerModel setWithProbabilities(boolean v) {
        set(withProbabilities, v);
        return this;
    }

    private RowScorer scorer(StructType schema, BroadcastModel model) {
        String prediction = getOrDefault(predictionCol);
        return new RowScorer(model, (Integer) getOrDefault(canvasSize), (Integer) getOrDefault(batchSize), schema,
                getOrDefault(inputCol), RowScorer.Kind.ofParam(getOrDefault(inputKind)),
                new RowScorer.Output((Boolean) getOrDefault(withProbabilities), getOrDefault(outputCol),
                        prediction.isEmpty() ? null : prediction));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return scorer(schema, null).outputSchema(schema);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        Dataset<Row> rows = dataset.toDF();
        RowScorer scorer = scorer(rows.schema(), model(rows.sparkSession()));
        return rows.sparkSession().createDataFrame(rows.javaRDD().mapPartitions(scorer::apply),
                scorer.outputSchema(rows.schema()));
    }

    /** The network, broadcast once per model instance (datasets are lazy: it must outlive transform). */
    private synchronized BroadcastModel model(SparkSession spark) {
        if (broadcast == null) {
            broadcast = new BroadcastModel(JavaSparkContext.fromSparkContext(spark.sparkContext()), net);
        }
        return broadcast;
    }

    @Override
    public DigitLocalizerModel copy(ParamMap extra) {
        DigitLocalizerModel copy = new DigitLocalizerModel(uid, net, (Integer) getOrDefault(canvasSize));
        copyValues(copy, extra);
        return copy.setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    public static MLReader<DigitLocalizerModel> read() {
        return new Reader();
    }

    public static DigitLocalizerModel load(String path) {
        return read().load(path);
    }

    /** Spark ML's metadata (class, uid, params) in {@code path/metadata}, and the network as {@code path/data/model.zip}. */
    private static final class Writer extends MLWriter {
        private final DigitLocalizerModel model;

        Writer(DigitLocalizerModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter.saveMetadata(model, path, sparkSession().sparkContext(), Option.empty(), Option.empty());
            ModelStore.save(model.net, new Path(path, MODEL_FILE), false,
                    new HadoopConf(sparkSession().sparkContext().hadoopConfiguration()));
        }
    }

    private static final class Reader extends MLReader<DigitLocalizerModel> {
        @Override
        public DigitLocalizerModel load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sparkSession().sparkContext(),
                    DigitLocalizerModel.class.getName());
            ComputationGraph net = ModelStore.load(new Path(path, MODEL_FILE), false,
                    new HadoopConf(sparkSession().sparkContext().hadoopConfiguration()));
            int size = ((Number) valueOf(metadata, "canvasSize")).intValue();
            DigitLocalizerModel m = new DigitLocalizerModel(metadata.uid(), net, size);
            metadata.getAndSetParams(m, Option.empty());
            return m;
        }

        /** A param's value from Spark's metadata JSON: set ({@code paramMap}) or default ({@code defaultParamMap}). */
        private static Object valueOf(DefaultParamsReader.Metadata metadata, String param) {
            try {
                var json = io.digitloc.io.Json.MAPPER.readTree(metadata.metadataJson());
                for (String map : new String[] {"paramMap", "defaultParamMap"}) {
                    var v = json.path(map).get(param);
                    if (v != null && v.isNumber()) {
                        return v.intValue();
                    }
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException("unreadable metadata of " + metadata.uid() + ": " + e.getMessage(), e);
            }
            throw new IllegalStateException("no " + param + " in the metadata of " + metadata.uid());
        }
    }
}
