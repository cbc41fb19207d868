/*
 * commands.h - the subcommands of the concviz binary, one entry point each.
 *
 * Each takes the arguments after the subcommand name (argv[0] is the
 * subcommand) and returns the process exit status: 0 success, 1 runtime
 * failure, 2 usage error. Errors are printed as one line on stderr:
 * "concviz: <what was wrong>; <what to do>".
 */
#ifndef CV_COMMANDS_H
#define CV_COMMANDS_H

int cmd_run(int argc, char **argv);    /* run a job (UI by default, --no-ui headless) */
int cmd_bench(int argc, char **argv);  /* the seq/threads/gil/async/procs x io/cpu matrix */
int cmd_serve(int argc, char **argv);  /* the embedded HTTP origin, standalone */
int cmd_replay(int argc, char **argv); /* replay a recording in the UI */
int cmd_export(int argc, char **argv); /* recording -> Chrome trace JSON or CSV */
int cmd_show(int argc, char **argv);   /* recording -> text diagram on stdout */
int cmd_stats(int argc, char **argv);  /* recording -> summary */
int cmd_trace(int argc, char **argv);  /* a user's program, started and drawn */
int cmd_attach(int argc, char **argv); /* a running process, drawn */

#endif
