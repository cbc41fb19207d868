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

/* A traced run's line says how long the sampler went without a sample when
 * that was at least this long and 4 intervals (a loaded host held it back). */
#define STATS_GAP_NOTABLE_NS 20000000ull

struct cv_summary {
	enum cv_mode mode;
	enum cv_workload workload;
	int workers;         /* effective pool size (async: in-flight limit) */
	bool gil;
	uint32_t tasks, done, failed;
	uint32_t cancelled;  /* of the failed: cancelled (traced: the program ended first) */
	uint64_t bytes;
	double wall_s;       /* first to last event of the run */
	double ideal_s;
	double efficiency;   /* ideal / wall, 0 when unknown */
	double cpu_s;        /* total time running on CPUs (traced: its threads') */
	double stall_s;      /* producers' wait on a full ring */
	/* a traced program (mode trace) */
	char command[128];   /* the command line, shortened; "pid N" when attached */
	uint32_t pid;        /* its first process */
	uint32_t threads, procs; /* lanes (threads) and distinct processes seen */
	double state_s[ST_COUNT]; /* thread-seconds in each state, over the threads' lanes
	                             (not the SDK's task and loop lanes) */
	double sample_hz;    /* the sampler's mean achieved rate, 0 = unknown */
	struct tl_trace end; /* how it ended (exited, status, detached), the SDK's counts */
	/* race and deadlock workloads (tl->race, tl->deadlock) */
	bool race;           /* the run reported the race counter */
	uint64_t race_expected, race_final, race_lost;
	bool deadlock;       /* a waits-for cycle was found */
	uint32_t deadlock_n; /* lanes in it */
	double deadlock_after_s;  /* when it formed, from the run's start */
	double deadlock_detect_s; /* from forming to concviz acting on it */
	char cycle[200];     /* "thread 1 waits for L2 held by thread 2, ..." */
};

/* Compute the summary of the run in tl described by s. */
void stats_summarize(const struct session *s, const struct timeline *tl,
		     struct cv_summary *out);

/* Format the one human line (no newline) into buf. */
void stats_format_line(char *buf, size_t n, const struct cv_summary *sum);

/* Print the one human line: mode, workload, tasks, failed, wall, ideal,
 * efficiency; for a traced program: command, wall, threads and processes,
 * CPU time, share of time in each state, the tasks it reported (the SDK)
 * and the SDK events dropped or rejected, how it ended. */
void stats_print_line(FILE *f, const struct cv_summary *sum);

/* Print one JSON object: the summary plus per-lane busy / waiting / lock-wait
 * seconds (for a traced program the command, pid, exit status, rate, the
 * tasks it reported and the SDK's counts, and per-lane pid and tid instead
 * of the job's parameters), and the run's
 * findings (findings.h) as "findings". */
void stats_print_json(FILE *f, const struct session *s, const struct timeline *tl,
		      const struct cv_summary *sum);

/* The exit status a shell reports for a wait status: the exit code, or
 * 128 + the signal that killed it. */
int stats_exit_code(int wait_status);

/* Describe how a traced program ended ("exited 0", "killed by SIGKILL",
 * "detached", "ended"), or "" while it runs. */
void stats_describe_end(const struct tl_trace *tr, char *buf, size_t n);

/* Write a JSON string literal (quoted, escaped) for s. */
void stats_json_string(FILE *f, const char *s);

/* Describe tl's deadlock into buf: "thread 1 waits for L2 held by thread 2,
 * thread 2 waits for L1 held by thread 1" (arrows false), or "thread 1 → L2
 * → thread 2 → L1 → thread 1" (arrows; "->" unless utf8). "" when none. */
void stats_cycle_text(const struct session *s, const struct timeline *tl, bool arrows, bool utf8,
		      char *buf, size_t n);

#endif
