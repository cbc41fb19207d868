/*
 * cmd_bench.c - `concviz bench`: the same job under every model, one table.
 *
 * For each workload asked for (io, cpu, both of those, race or deadlock) it
 * runs seq, threads, threads+gil, async and procs headless through the
 * runner with the same parameters, and prints mode, workload, wall time,
 * speed-up over seq, efficiency (ideal / wall), failed tasks and, for race
 * and deadlock, the updates lost or the deadlock; --json prints an array of
 * objects instead. Run options (--tasks, --latency, --cpu-size, --workers,
 * --url...) apply to every row; --mode and --record are refused (bench runs
 * every mode and records nothing); --no-ui is implied.
 *
 * Exit status: 0, 1 when a row could not run, 2 on usage errors, 128 + signal
 * when interrupted (the rows done so far are printed).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "headless.h"
#include "options.h"
#include "runner.h"
#include "stats.h"

struct bench_row {
	struct cv_summary sum;
	double speedup;          /* seq wall / this wall, 0 when unknown */
};

static const struct { enum cv_mode mode; bool gil; } bench_modes[] = {
	{ MODE_SEQ, false }, { MODE_THREADS, false }, { MODE_THREADS, true },
	{ MODE_ASYNC, false }, { MODE_PROCS, false },
};
#define BENCH_NMODES (sizeof bench_modes / sizeof bench_modes[0])

/* Print the table's header. */
static void bench_header(void)
{
	printf("%-12s %-8s %6s %9s %9s %10s %6s  %s\n", "mode", "workload", "tasks", "wall s",
	       "speed-up", "efficiency", "failed", "notes");
}

/* Print one row of the table. */
static void bench_print(const struct bench_row *b)
{
	char mode[16];
	snprintf(mode, sizeof mode, "%s%s", params_mode_name(b->sum.mode), b->sum.gil ? "+gil" : "");
	char note[48] = "";
	if (b->sum.race)
		snprintf(note, sizeof note, "%llu of %llu updates lost", (unsigned long long)b->sum.race_lost,
			 (unsigned long long)b->sum.race_expected);
	else if (b->sum.deadlock)
		snprintf(note, sizeof note, "deadlock after %.3f s", b->sum.deadlock_after_s);
	printf("%-12s %-8s %6u %9.3f %8.2fx %9.0f%% %6u  %s\n", mode,
	       params_workload_name(b->sum.workload), b->sum.tasks, b->sum.wall_s, b->speedup,
	       b->sum.efficiency * 100, b->sum.failed, note);
	fflush(stdout);
}

/* Print the rows as one JSON array. */
static void bench_json(const struct bench_row *rows, size_t n)
{
	printf("[");
	for (size_t i = 0; i < n; i++) {
		const struct cv_summary *m = &rows[i].sum;
		printf("%s\n  {\"mode\": \"%s\", \"gil\": %s, \"workload\": \"%s\", \"tasks\": %u, "
		       "\"workers\": %d, \"wall_s\": %.6f, \"ideal_s\": %.6f, \"speedup\": %.4f, "
		       "\"efficiency\": %.4f, \"done\": %u, \"failed\": %u",
		       i ? "," : "", params_mode_name(m->mode), m->gil ? "true" : "false",
		       params_workload_name(m->workload), m->tasks, m->workers, m->wall_s, m->ideal_s,
		       rows[i].speedup, m->efficiency, m->done, m->failed);
		if (m->race)
			printf(", \"race\": {\"expected\": %llu, \"final\": %llu, \"lost\": %llu}",
			       (unsigned long long)m->race_expected, (unsigned long long)m->race_final,
			       (unsigned long long)m->race_lost);
		if (m->workload == WL_DEADLOCK)
			printf(", \"deadlock\": %s", m->deadlock ? "true" : "false");
		printf("}");
	}
	printf("%s]\n", n ? "\n" : "");
	fflush(stdout);
}

/* Take bench's own options out of argv (--workload io|cpu|both|race|deadlock,
 * --json) into out (which gets argv[0] first); 0 or 2 with err set. */
static int bench_args(int argc, char **argv, char **out, int *nout, bool wl[WL_COUNT],
		      bool *json, char *err, size_t errlen)
{
	const char *which = "both";
	*nout = 0;
	out[(*nout)++] = argv[0];
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			*json = true;
		} else if (!strcmp(argv[i], "--workload") || !strncmp(argv[i], "--workload=", 11)) {
			if (argv[i][10] == '=')
				which = argv[i] + 11;
			else if (i + 1 < argc)
				which = argv[++i];
			else {
				snprintf(err, errlen, "concviz: --workload needs a value; give io, cpu, both, "
					 "race or deadlock");
				return 2;
			}
		} else if (!strcmp(argv[i], "--mode") || !strncmp(argv[i], "--mode=", 7) ||
			   !strcmp(argv[i], "--record") || !strncmp(argv[i], "--record=", 9)) {
			snprintf(err, errlen, "concviz: bench runs every mode and records nothing; "
				 "drop %.20s", argv[i]);
			return 2;
		} else {
			out[(*nout)++] = argv[i];
		}
	}
	wl[WL_IO] = !strcmp(which, "io") || !strcmp(which, "both");
	wl[WL_CPU] = !strcmp(which, "cpu") || !strcmp(which, "both");
	wl[WL_RACE] = !strcmp(which, "race");
	wl[WL_DEADLOCK] = !strcmp(which, "deadlock");
	if (!wl[WL_IO] && !wl[WL_CPU] && !wl[WL_RACE] && !wl[WL_DEADLOCK]) {
		snprintf(err, errlen, "concviz: --workload wants io, cpu, both, race or deadlock "
			 "(got '%.40s')", which);
		return 2;
	}
	return 0;
}

/* Run every mode on workload w with the run options in av; append rows.
 * Returns 0, 1 when a row could not run, or 2 on a usage error. */
static int bench_workload(enum cv_workload w, int ac, char **av, struct bench_row *rows,
			  size_t *nrows, bool json)
{
	struct cv_params p;
	char err[512];
	char *wname = (char *)params_workload_name(w);
	av[ac] = "--workload";
	av[ac + 1] = wname;
	if (params_parse(&p, ac + 2, av, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	p.no_ui = true;
	p.json = false;
	int status = 0;
	double seq_wall = 0;
	for (size_t k = 0; k < BENCH_NMODES && !headless_caught(); k++) {
		struct runner r;
		p.mode = bench_modes[k].mode;
		p.gil = bench_modes[k].gil;
		if (headless_run(&r, &p, err, sizeof err) < 0) {
			fprintf(stderr, "%s\n", err);
			status = 1;
			break;
		}
		if (headless_caught()) {   /* an interrupted row measures nothing */
			runner_free(&r);
			break;
		}
		struct bench_row *b = &rows[(*nrows)++];
		stats_summarize(&r.session, &r.tl, &b->sum);
		if (p.mode == MODE_SEQ)
			seq_wall = b->sum.wall_s;
		b->speedup = seq_wall > 0 && b->sum.wall_s > 0 ? seq_wall / b->sum.wall_s : 0;
		if (r.exit_status) {
			fprintf(stderr, "%s\n", r.err);
			status = 1;
		}
		runner_free(&r);
		if (!json)
			bench_print(b);
	}
	params_free(&p);
	return status;
}

/* `concviz bench [--workload io|cpu|both|race|deadlock] [--json] [run options]`. */
int cmd_bench(int argc, char **argv)
{
	char **av = calloc((size_t)argc + 3, sizeof *av);
	bool wl[WL_COUNT] = { false }, json = false;
	char err[256];
	int ac, status = 0;

	if (!av) {
		fprintf(stderr, "concviz: out of memory; free some memory\n");
		return 1;
	}
	if (bench_args(argc, argv, av, &ac, wl, &json, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		free(av);
		return 2;
	}
	struct bench_row rows[WL_COUNT * BENCH_NMODES];
	size_t nrows = 0;
	headless_signals();
	if (!json)
		bench_header();
	for (int w = 0; w < WL_COUNT && status != 2 && !headless_caught(); w++)
		if (wl[w]) {
			int rc = bench_workload((enum cv_workload)w, ac, av, rows, &nrows, json);
			if (rc > status)
				status = rc;
		}
	if (json && status != 2)
		bench_json(rows, nrows);
	runner_shutdown();
	free(av);
	int sig = headless_caught();
	return sig ? 128 + sig : status;
}
