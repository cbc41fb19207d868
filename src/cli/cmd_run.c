/*
 * cmd_run.c - `concviz run`: one job, in the UI or headless (--no-ui).
 *
 * Headless runs print one summary line and the top findings under it (or
 * JSON with --json, findings included) on stdout.
 * Exit status: 0 when the run completed, even when some tasks failed (that
 * is what is being measured); 1 on a runtime error: the run could not start,
 * the recording could not be written, or no task could reach its URL at all
 * (every io task refused or not resolved); 2 on usage errors; 128 + signal
 * when interrupted by SIGINT, SIGTERM or SIGHUP (the summary of what ran is
 * still printed).
 */
#include <stdio.h>
#include <unistd.h>
#include "app.h"
#include "commands.h"
#include "findings.h"
#include "headless.h"
#include "options.h"
#include "runner.h"
#include "stats.h"

/* Run p headless and print its summary; returns the exit status. */
static int run_headless(const struct cv_params *p)
{
	struct runner r;
	char err[512];

	if (p->record && !p->force && access(p->record, F_OK) == 0) {
		fprintf(stderr, "concviz: %s already exists; use --force to overwrite it\n", p->record);
		return 2;
	}
	headless_signals();
	if (headless_run(&r, p, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		runner_shutdown();
		return 1;
	}
	struct cv_summary sum;
	stats_summarize(&r.session, &r.tl, &sum);
	if (p->json)
		stats_print_json(stdout, &r.session, &r.tl, &sum);
	else {
		stats_print_line(stdout, &sum);
		findings_print_run(stdout, &r.session, &r.tl, false, HEADLESS_FINDINGS);
	}
	fflush(stdout);
	int status = r.exit_status;
	if (status)
		fprintf(stderr, "%s\n", r.err);
	runner_free(&r);
	runner_shutdown();
	int sig = headless_caught();
	return sig ? 128 + sig : status;
}

/* `concviz run [options]`: parse, then the UI or a headless run. */
int cmd_run(int argc, char **argv)
{
	struct cv_params p;
	char err[512];

	if (params_parse(&p, argc, argv, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	int status;
	if (!p.no_ui) {
		if (!isatty(STDOUT_FILENO)) {
			fprintf(stderr, "concviz: stdout is not a terminal; use --no-ui for a summary "
				"or `concviz show FILE` for a text diagram\n");
			status = 2;
		} else {
			status = app_live(&p);
			runner_shutdown();   /* the UI's runs share the embedded origin */
		}
	} else {
		status = run_headless(&p);
	}
	params_free(&p);
	return status;
}
