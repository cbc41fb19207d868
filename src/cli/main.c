/*
 * main.c - the concviz command line: picks the subcommand and runs it.
 *
 * With no arguments (or only run options) concviz opens the interactive UI
 * on the default run: threads, io, the embedded origin.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "commands.h"

static const char usage[] =
	"usage: concviz [run options]          open the UI on a live run (default: threads, io)\n"
	"       concviz run [options]          run a job (--no-ui for a headless summary)\n"
	"       concviz trace [options] [--] COMMAND [ARGS...]   draw a program's threads and processes\n"
	"       concviz attach [options] PID    the same for a running process\n"
	"       concviz bench [--workload io|cpu|both|race|deadlock] [--json]\n"
	"       concviz serve [--port N] [--bind ADDR] [--latency MS] ...\n"
	"       concviz replay FILE [--speed X]\n"
	"       concviz export FILE --format chrome|csv [-o OUT] [--force]\n"
	"       concviz show FILE [--width N] [--view gantt|compare|loop|log|findings] [--color auto|always|never] [--ascii]\n"
	"       concviz stats FILE [--json]\n"
	"       concviz help | --version\n"
	"Run `concviz help` or see README.md for every option and hotkey.\n";

static const char run_help[] =
	"run options:\n"
	"  --mode seq|threads|async|procs   concurrency model (default threads)\n"
	"  --workload io|cpu|race|deadlock  downloads, sums of squares, a shared counter, two locks\n"
	"  --workers N                      pool size; async: transfers in flight (default 5 / cores / all)\n"
	"  --tasks N                        number of tasks (io 160, cpu 20, race 10, deadlock 4;\n"
	"                                   at most 100000)\n"
	"  --url URL (repeatable), --urls FILE   download real URLs instead of the embedded origin\n"
	"  --latency MS --jitter MS --size BYTES --fail-rate P   the embedded origin's behaviour\n"
	"  --timeout MS                     bound each request\n"
	"  --cpu-size N                     base n of the sums (task i sums i*i below N+i)\n"
	"  --gil [--switch-interval MS]     emulate the Python GIL (default 5 ms)\n"
	"  --lock                           race: guard the counter with a lock\n"
	"  --lock-order                     deadlock: every task takes the locks in one order\n"
	"  --no-ui [--json]                 headless: a summary line and the top findings (or JSON)\n"
	"  --record FILE [--force]          record the session to a replay file\n";

static const char trace_help[] =
	"trace / attach options:\n"
	"  --no-ui [--json]                 headless: the summary line (or JSON) when the program ends\n"
	"  -o FILE                          write that summary to FILE instead of stdout\n"
	"  --record FILE [--force]          record the session (the program's output included)\n"
	"  --hz N                           samples per second, 10..10000 (default 1000)\n"
	"  --no-python                      trace: do not inject the Python task tracer\n"
	"The program gets CONCVIZ_ORIGIN=http://127.0.0.1:PORT (the embedded origin) and\n"
	"CONCVIZ_SDK (its tasks through concviz.h; a Python command's asyncio tasks, pool\n"
	"work items and Pool calls automatically). attach cannot inject: no tasks.\n"
	"Exit status: the program's (128 + signal when killed); 127 not found, 126 not executable.\n";

/* True when argv holds -h or --help. */
static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	return 0;
}

/* Print the help of one subcommand (the usage line, and run's options). */
static int command_help(const char *name)
{
	char key[32];
	snprintf(key, sizeof key, "concviz %s ", name);
	for (const char *line = usage; *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line + 1) : strlen(line);
		if (strstr(line, key) && (size_t)(strstr(line, key) - line) < len)
			printf("usage: %.*s", (int)(len - (size_t)(strstr(line, key) - line)), strstr(line, key));
		line += len;
	}
	if (!strcmp(name, "run") || !strcmp(name, "bench"))
		fputs(run_help, stdout);
	if (!strcmp(name, "trace") || !strcmp(name, "attach"))
		fputs(trace_help, stdout);
	return 0;
}

/* Dispatch to the subcommand named by argv[1]; returns the exit status. */
int main(int argc, char **argv)
{
	static const struct { const char *name; int (*fn)(int, char **); } cmds[] = {
		{ "run", cmd_run },       { "bench", cmd_bench },   { "serve", cmd_serve },
		{ "replay", cmd_replay }, { "export", cmd_export }, { "show", cmd_show },
		{ "stats", cmd_stats },   { "trace", cmd_trace },   { "attach", cmd_attach },
	};
	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))) {
			printf("concviz %s\n", CV_VERSION);
			return 0;
		}
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			fputs(usage, stdout);
			fputs(run_help, stdout);
			return 0;
		}
		return cmd_run(argc, argv); /* argv[0] plays the subcommand's name */
	}
	if (!strcmp(argv[1], "help")) {
		fputs(usage, stdout);
		fputs(run_help, stdout);
		fputs(trace_help, stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (!strcmp(argv[1], cmds[i].name)) {
			bool traced = cmds[i].fn == cmd_trace || cmds[i].fn == cmd_attach;
			if (traced && argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h")))
				return command_help(cmds[i].name);   /* a command's own --help is its */
			if (!traced && cmds[i].fn != cmd_serve && cmds[i].fn != cmd_replay &&
			    wants_help(argc - 1, argv + 1))
				return command_help(cmds[i].name);
			return cmds[i].fn(argc - 1, argv + 1);
		}
	fprintf(stderr, "concviz: unknown command '%s'; run `concviz help` for the list\n", argv[1]);
	return 2;
}
