/*
 * findings.h - what limits a run, which model would be faster, by how much.
 *
 * Findings are computed from a session and its timeline alone, so they work
 * the same on a live run, a recording (`stats`, `show`, `replay`) and a
 * traced program. Each is a diagnosis with the numbers behind it: a stable
 * kebab-case id, one sentence of text, a severity, the lanes and time range
 * it is about and, where a change of model would help, a suggestion (mode,
 * workers, predicted speed-up = current wall / predicted wall). The list is
 * ranked, most important first. The predictions are models of the run's own
 * measurements (stated at each one in findings_*.c) and the bench
 * (tests/bench/bench_findings.c) checks them against real runs.
 *
 * The ids: deadlock, possible-deadlock, race-lost-updates, no-lost-updates,
 * gil-bound, lock-bound, cores-idle, cores-saturated, oversubscribed,
 * cpu-contention, loop-blocked, loop-saturated, io-pool-saturated,
 * io-overlapped, stragglers, failures, cancelled, ring-stall.
 *
 * Cost: a struct findings_state keeps a cursor per lane, so an update reads
 * only the spans closed since the last one, plus O(lanes + tasks) of
 * summaries the timeline already keeps (per-lane state totals, the task
 * table). Pure and deterministic: the same timeline gives the same list.
 * Single-threaded: call from the thread that owns the timeline.
 */
#ifndef CV_FINDINGS_H
#define CV_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "session.h"
#include "timeline.h"

enum finding_severity { FINDING_INFO = 0, FINDING_WARN = 1 };

#define FINDING_ID_MAX 24
#define FINDING_TEXT_MAX 480
#define FINDINGS_MAX 16

/* A change of model the numbers support. */
struct finding_suggest {
	enum cv_mode mode;  /* seq, threads, async or procs */
	int workers;        /* pool size; 0 = the mode's default (async: every task in flight) */
	double speedup;     /* predicted current wall / suggested wall */
};

struct finding {
	char id[FINDING_ID_MAX];
	char text[FINDING_TEXT_MAX];  /* one sentence with the numbers (ASCII) */
	enum finding_severity severity;
	double score;                 /* rank within its severity, higher first */
	int64_t t0, t1;               /* the time range it is about, ns from origin */
	size_t lane_off, nlanes;      /* its lanes: lanes[lane_off ..] of the list */
	bool has_suggest;
	struct finding_suggest suggest;
};

/* A ranked list; lanes of every finding live in one sorted-per-finding pool. */
struct findings {
	struct finding f[FINDINGS_MAX];
	int n;
	uint32_t *lanes;
	size_t nlanes, lanes_cap;
};

/* What the thresholds are. */
struct findings_opts {
	int64_t loop_block_ns;  /* a callback longer than this blocks the loop (10 ms) */
	int64_t deadlock_ns;    /* lock waits with no progress this long (2 s) */
	bool live;              /* the run is still going */
};

struct fs_lane;
struct fs_task;
struct fs_block;
struct fd_lane;

/* The incremental state: cursors, per-task sums, loop blocks, the list. */
struct findings_state {
	uint64_t origin, events;      /* the timeline last read (a rebuilt one resets) */
	struct fs_lane *lanes;
	size_t nlanes;
	struct fs_task *tasks;
	size_t ntasks;
	struct fs_block *blocks;      /* loop blocks of at least loop_block_ns, in time order */
	size_t nblocks, blocks_cap;
	int64_t block_ns;             /* the threshold the blocks were cut with */
	double *scratch;              /* for quantiles and schedules */
	size_t scratch_cap;
	struct fd_lane *cur;          /* the lanes as one update sees them */
	size_t cur_cap;
	struct findings list;         /* the result of the last update */
	int err;                      /* -ENOMEM when the last update ran out of memory */
};

/* Fill o with the defaults (10 ms, 2 s, not live). */
void findings_opts_default(struct findings_opts *o);

/* Initialise an empty state. */
void findings_state_init(struct findings_state *st);

/* Free everything st owns; it may be initialised again. */
void findings_state_free(struct findings_state *st);

/* Forget what was read (the next update reads the timeline from its start). */
void findings_state_reset(struct findings_state *st);

/* Read what tl gained since the last update and rebuild st->list (o NULL =
 * defaults). A timeline that was rebuilt (another origin, fewer events) is
 * read afresh. Returns 0, or -ENOMEM with st->list empty. */
int findings_update(struct findings_state *st, const struct session *s, const struct timeline *tl,
		    const struct findings_opts *o);

/* Return the most important finding, or NULL when there is none. */
const struct finding *findings_top(const struct findings *l);

/* Return the most important finding with a suggestion, or NULL. */
const struct finding *findings_top_suggestion(const struct findings *l);

/* Return finding i's lanes (sorted) and their count in *n. */
const uint32_t *findings_lanes(const struct findings *l, const struct finding *f, size_t *n);

/* True when lane is one of f's lanes (binary search). */
bool findings_has_lane(const struct findings *l, const struct finding *f, uint32_t lane);

/* Return the finding with this id, or NULL. */
const struct finding *findings_find(const struct findings *l, const char *id);

/* Return "info" or "warn". */
const char *findings_severity_name(enum finding_severity s);

/* Print the list as a JSON array of objects {id, severity, text, lanes,
 * t0_s, t1_s[, suggest {mode, workers, speedup}]}. */
void findings_print_json(FILE *f, const struct findings *l);

/* Print up to max findings, one per line: "  warn gil-bound: TEXT". */
void findings_print_text(FILE *f, const struct findings *l, int max);

/* Compute the findings of a finished run and print them: as JSON (the
 * value of stats' "findings" field) or as text lines. Prints "[]" / nothing
 * when out of memory. */
void findings_print_run(FILE *f, const struct session *s, const struct timeline *tl, bool json,
			int max);

/* The top finding of a run, kept beside its summary (Compare view). */
struct finding_brief {
	char id[FINDING_ID_MAX];      /* "" when the run had none */
	enum finding_severity severity;
	bool has_suggest;             /* the top suggestion (not always the top finding's) */
	struct finding_suggest suggest;
	char suggest_id[FINDING_ID_MAX];
};

/* Fill b from a list. */
void findings_brief(const struct findings *l, struct finding_brief *b);

#endif
