/**
 * The train stage: {@code TrainJob} begins a run (fresh, warm start or resumed, {@code RunStart}), loops
 * over epochs and publishes the model; {@code TrainingSession} assembles the engine once for it and for
 * the scaling benchmark; {@code EpochFeed} makes each epoch's batches; {@code RunMonitor} watches the run
 * (TensorBoard, early stopping). Spark glue: the averaging itself lives in {@code engine}.
 */
package io.digitloc.train;
