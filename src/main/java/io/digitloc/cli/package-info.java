/**
 * The command line: {@link io.digitloc.cli.Main} (also the spark-submit main class) and one small
 * picocli command per subcommand, which loads settings, checks inputs before Spark starts, and
 * calls the stage's job.
 */
package io.digitloc.cli;
