/*
 * params.h - everything that defines one run: mode, workload and their knobs.
 *
 * One struct cv_params is filled from the command line (params_parse), shown
 * in the UI header, handed to an engine, and stored in a recording's header.
 * Defaults follow the classic lesson: 160 downloads, 5 threads, 20 sums.
 */
#ifndef CV_PARAMS_H
#define CV_PARAMS_H

#include <stdbool.h>
#include <stdint.h>

enum cv_mode { MODE_SEQ = 0, MODE_THREADS = 1, MODE_ASYNC = 2, MODE_PROCS = 3, MODE_COUNT };
enum cv_workload { WL_IO = 0, WL_CPU = 1, WL_COUNT };

#define CV_MAX_TASKS 100000   /* documented limit on --tasks */
#define CV_MAX_WORKERS 256    /* documented limit on --workers */
#define CV_MAX_URLS 4096      /* documented limit on --url / --urls entries */
#define CV_DEFAULT_CPU_BASE 200000000ull /* 20 tasks take about 3 s in seq on one core */

struct cv_params {
	enum cv_mode mode;
	enum cv_workload workload;
	int workers;          /* threads/procs pool size; async: in-flight limit (0 = all) */
	int tasks;            /* number of tasks */
	bool gil;             /* emulate the GIL (threads) */
	double switch_ms;     /* GIL switch interval */
	/* io */
	char **urls;          /* NULL: the embedded origin */
	int nurls;
	double latency_ms;    /* embedded origin: base latency */
	double jitter_ms;     /* embedded origin: uniform extra latency */
	long size;            /* embedded origin: body bytes */
	double fail_rate;     /* embedded origin: fraction of failures */
	double timeout_ms;    /* per-request timeout (0 = none) */
	/* cpu */
	uint64_t cpu_base;    /* task i sums i*i below cpu_base + i */
	/* output */
	bool no_ui, json;
	char *record;         /* --record FILE, or NULL */
	bool force;           /* overwrite an existing recording */
};

/* Fill p with the defaults (threads, io, 5 workers, 160 tasks). */
void params_default(struct cv_params *p);

/* Free what params_parse allocated (urls, record). */
void params_free(struct cv_params *p);

/* Return "seq", "threads", "async", "procs"; "?" when out of range. */
const char *params_mode_name(enum cv_mode m);

/* Return "io" or "cpu". */
const char *params_workload_name(enum cv_workload w);

/* Parse a mode name; returns 0 or -1. */
int params_mode_parse(const char *s, enum cv_mode *out);

/* Parse a workload name; returns 0 or -1. */
int params_workload_parse(const char *s, enum cv_workload *out);

/* Effective worker count: the default for the mode when workers is 0. */
int params_workers(const struct cv_params *p);

#endif
