/** Spark glue shared by the jobs: the session, the executors' native set-up, models broadcast to executors. */
package io.digitloc.spark;
