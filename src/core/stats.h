/*
 * stats.h - a run's summary (wall, ideal, efficiency) from session + timeline.
 *
 * The same numbers are printed by `run --no-ui`, `run --json`, `stats FILE`,
 * the compare view and `bench`, so they are computed in one place.
 *
 * Ideal time: io = ceil(tasks / in-flight limit) * mean latency (the session's
 * ideal_latency_ms; with real URLs, the mean measured task duration), counting
 * only tasks that ended other than cancelled (so a run cut short or still
 * going is measured by the work it did); cpu = the tasks' CPU time (measured
 * per task by the engine's thread CPU clock) / min(workers, cores).
 */
#ifndef CV_STATS_H
#define CV_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "session.h"
#include "timeline.h"

struct cv_summary {
	enum cv_mode mode;
	enum cv_workload workload;
	int workers;         /* effective pool size (async: in-flight limit) */
	bool gil;
	uint32_t tasks, done, failed;
	uint64_t bytes;
	double wall_s;       /* first to last event of the run */
	double ideal_s;
	double efficiency;   /* ideal / wall, 0 when unknown */
	double cpu_s;        /* total time running on CPUs */
	double stall_s;      /* producers' wait on a full ring */
};

/* Compute the summary of the run in tl described by s. */
void stats_summarize(const struct session *s, const struct timeline *tl,
		     struct cv_summary *out);

/* Format the one human line (no newline) into buf. */
void stats_format_line(char *buf, size_t n, const struct cv_summary *sum);

/* Print the one human line: mode, workload, tasks, failed, wall, ideal, efficiency. */
void stats_print_line(FILE *f, const struct cv_summary *sum);

/* Print one JSON object: the summary, per-lane busy / waiting / lock-wait
 * seconds, and the run's findings (findings.h) as "findings". */
void stats_print_json(FILE *f, const struct session *s, const struct timeline *tl,
		      const struct cv_summary *sum);

/* Write a JSON string literal (quoted, escaped) for s. */
void stats_json_string(FILE *f, const char *s);

#endif
