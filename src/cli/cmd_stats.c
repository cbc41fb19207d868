/*
 * cmd_stats.c - `concviz stats FILE [--json]`: the summary of a recording,
 * the same line and findings (or JSON object) `run --no-ui` prints for a
 * live run.
 *
 * A recording cut short is summarised from its complete chunks, with a note
 * on stderr; a damaged recording is an error (exit 1).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "findings.h"
#include "headless.h"
#include "recfile.h"
#include "session.h"
#include "stats.h"
#include "timeline.h"

static const char usage_line[] = "usage: concviz stats FILE [--json]\n";

/* Print a recording's summary; returns the exit status. */
int cmd_stats(int argc, char **argv)
{
	const char *path = NULL;
	bool json = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "concviz: stats: unknown option '%s'; %s", argv[i], usage_line);
			return 2;
		} else if (!path)
			path = argv[i];
		else {
			fprintf(stderr, "concviz: stats takes one recording (got '%s' too); %s", argv[i],
				usage_line);
			return 2;
		}
	}
	if (!path) {
		fprintf(stderr, "concviz: stats needs a recording; %s", usage_line);
		return 2;
	}
	struct session s;
	struct timeline tl;
	if (recfile_load(path, &s, &tl) < 0)
		return 1;
	struct cv_summary sum;
	stats_summarize(&s, &tl, &sum);
	if (json)
		stats_print_json(stdout, &s, &tl, &sum);
	else {
		stats_print_line(stdout, &sum);
		findings_print_run(stdout, &s, &tl, false, HEADLESS_FINDINGS);
	}
	int rc = fflush(stdout) != 0 ? 1 : 0;
	session_free(&s);
	timeline_free(&tl);
	return rc;
}
