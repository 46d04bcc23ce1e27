package io.digitloc.engine;

import io.digitloc.spark.SparkSessions;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.rdd.RDD;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;

/**
 * A Spark barrier stage from Java: one task per element of {@code inputs}, launched together and
 * retried together ({@link #attempts}). Spark has no Java API for {@code RDD.barrier()}, so the one Scala
 * adapter lives here.
 * Before the stage, the checks Spark would make late or never: dynamic allocation (which barrier stages
 * refuse) and enough free task slots (Spark would wait minutes before failing).
 */
final class BarrierStage {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BarrierStage.class);

    private BarrierStage() {
    }

    /**
     * The Spark local property that tells a stage's tasks which of the driver's attempts they belong to
     * ({@link #attempts}: each is a job of its own, so Spark's stage attempt number is always 0).
     */
    static final String ATTEMPT = "digitloc.barrier.attempt";

    /**
     * Runs {@code stage} until an attempt succeeds, at most {@code spark.stage.maxConsecutiveAttempts}
     * (Spark's own limit for a stage) times, waiting before each retry for the task slots a lost executor's
     * replacement brings. Spark itself retries a failed barrier stage only when it is a shuffle-map stage,
     * and making it one would cost a second stage (the outputs' shuffle) every time.
     */
    static <R> List<R> attempts(JavaSparkContext jsc, int workers, int timeoutSeconds,
                                java.util.function.Supplier<List<R>> stage) {
        int limit = Math.max(1, jsc.getConf().getInt("spark.stage.maxConsecutiveAttempts", 4));
        for (int attempt = 0; ; attempt++) {
            String before = jsc.getLocalProperty(ATTEMPT);
            jsc.setLocalProperty(ATTEMPT, Integer.toString(attempt));
            try {
                return stage.get(); // its tasks read the attempt from the local property
            } catch (Exception e) { // Spark's SparkException is checked, but Scala throws it undeclared
                if (attempt + 1 >= limit || jsc.sc().isStopped()) {
                    throw BarrierStage.<RuntimeException>rethrow(e);
                }
                LOG.warn("barrier stage attempt {} of {} failed ({}); retrying from the latest average", attempt + 1,
                        limit, e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse(""));
                requireSlots(jsc, workers, timeoutSeconds);
            } finally {
                jsc.setLocalProperty(ATTEMPT, before);
            }
        }
    }

    /** Throws {@code e} as it is, checked or not (its callers know it as Spark's undeclared SparkException). */
    @SuppressWarnings("unchecked")
    private static <E extends Exception> E rethrow(Exception e) throws E {
        throw (E) e;
    }

    /** The attempt a task of {@link #attempts} belongs to. */
    static int attempt(org.apache.spark.TaskContext task) {
        String a = task.getLocalProperty(ATTEMPT);
        return a == null ? 0 : Integer.parseInt(a);
    }

    /** Runs {@code task} over {@code inputs}, one task per input, and returns their outputs (in no set order). */
    static <T, R> List<R> run(JavaSparkContext jsc, List<T> inputs, FlatMapFunction<Iterator<T>, R> task,
                              Class<R> type) {
        JavaRDD<T> rdd = jsc.parallelize(inputs, inputs.size());
        ClassTag<R> tag = ClassTag$.MODULE$.apply(type);
        RDD<R> out = rdd.rdd().barrier().mapPartitions(new Adapter<>(task), false, tag);
        return out.toJavaRDD().collect();
    }

    /**
     * Refuses, with a message naming the setting, a stage of {@code workers} tasks that cannot start:
     * dynamic allocation on, or fewer task slots than workers within {@code timeoutSeconds}.
     */
    static void requireSlots(JavaSparkContext jsc, int workers, int timeoutSeconds) {
        if (jsc.getConf().getBoolean("spark.dynamicAllocation.enabled", false)) {
            throw new IllegalStateException("training's barrier stage needs a fixed set of executors, but "
                    + "spark.dynamicAllocation.enabled is true: set it to false for the train job");
        }
        // a lost executor's replacement may still be starting: wait for it as long as for a peer
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        int slots = SparkSessions.slots(jsc);
        while (slots < workers && System.nanoTime() < deadline && !SparkSessions.isLocal(jsc.master())) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            slots = SparkSessions.slots(jsc);
        }
        if (slots < workers) {
            throw new IllegalStateException(workers + " training workers need " + workers + " task slots at once, "
                    + "but the cluster offers " + slots + " (waited " + timeoutSeconds + " s, "
                    + "digitloc.train.exchange-timeout): raise spark.cores.max / spark.executor.instances");
        }
    }

    /** A Java partition function as the Scala function {@code RDDBarrier.mapPartitions} takes. */
    private static final class Adapter<T, R> extends AbstractFunction1<scala.collection.Iterator<T>, scala.collection.Iterator<R>>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final FlatMapFunction<Iterator<T>, R> task;

        Adapter(FlatMapFunction<Iterator<T>, R> task) {
            this.task = task;
        }

        @Override
        public scala.collection.Iterator<R> apply(scala.collection.Iterator<T> in) {
            try {
                return JavaConverters.asScalaIteratorConverter(task.call(JavaConverters.asJavaIteratorConverter(in).asJava()))
                        .asScala();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }
}
